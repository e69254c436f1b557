/**
 * Builds {@linkcode InvalidReferenceError}s with one fixed detail per reason, so an error
 * can be re-raised for another input with the same wording.
 *
 * @module
 */

import { InvalidReferenceError, type InvalidReferenceReason } from "../errors.ts";
import { NAME_TOTAL_LENGTH_MAX } from "./limits.ts";

const DETAILS: Record<InvalidReferenceReason, string> = {
  InvalidFormat: "invalid reference format",
  NameContainsUppercase: "repository name must be lowercase",
  NameTooLong: `repository name must not be more than ${NAME_TOTAL_LENGTH_MAX} characters`,
  NameEmpty: "repository name must have at least one component",
  TagInvalidFormat: "invalid tag format",
  DigestInvalidFormat: "invalid checksum digest format",
  DigestInvalidLength: "invalid checksum digest length",
  DigestUnsupported: "unsupported digest algorithm",
  HexIdentifier: "invalid repository name, cannot specify 64-byte hexadecimal strings",
  NotCanonical: "repository name must be canonical",
  NotNormalized: "reference is not normalized",
};

/** The error for `input` broken by `reason`, with the standard detail for that reason. */
export function invalid(
  input: string,
  reason: InvalidReferenceReason,
  cause?: unknown,
): InvalidReferenceError {
  return new InvalidReferenceError(input, reason, DETAILS[reason], { cause });
}

/** Re-raises `error` for `input` when it is an {@linkcode InvalidReferenceError}. */
export function rethrowFor(input: string, error: unknown): never {
  if (error instanceof InvalidReferenceError && error.input !== input) {
    throw invalid(input, error.reason, error);
  }
  throw error;
}
