/**
 * Telling image IDs from names: libimage looks `sha256:<hex>` and bare 64-hex inputs up
 * locally only, never pulls them, and also accepts unique ID prefixes.
 *
 * @module
 */

import { InvalidReferenceError } from "../errors.ts";
import { isHex64, isLowerHexUpTo64 } from "./_grammar.ts";

const SHA256_PREFIX = "sha256:";

/**
 * Whether `input` clearly refers to a local image by ID, as libimage decides before
 * pulling: it starts with `sha256:`, or it is 64 characters with none of `/`, `.`, `:`,
 * `@`. Such inputs are looked up locally and never pulled. The ID may still be malformed;
 * {@linkcode parseImageId} checks it.
 *
 * @example
 * ```ts
 * import { isImageId } from "./mod.ts";
 * isImageId("sha256:" + "a".repeat(64)); // true
 * isImageId("alpine"); // false
 * ```
 */
export function isImageId(input: string): boolean {
  if (input.startsWith(SHA256_PREFIX)) return true;
  if (input.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = input[i];
    if (c === "/" || c === "." || c === ":" || c === "@") return false;
  }
  return true;
}

/**
 * The 64-hex image ID in `sha256:<hex>` or `<hex>`, or `undefined` when `input` is
 * neither.
 *
 * @throws {InvalidReferenceError} `InvalidFormat` when `input` starts with `sha256:` but is
 * not followed by 64 lowercase hex digits (libimage: "no 64-byte hexadecimal value").
 */
export function parseImageId(input: string): string | undefined {
  if (input.startsWith(SHA256_PREFIX)) {
    const hex = input.slice(SHA256_PREFIX.length);
    if (!isHex64(hex)) {
      throw new InvalidReferenceError(
        input,
        "InvalidFormat",
        "invalid format: no 64-byte hexadecimal value",
      );
    }
    return hex;
  }
  return isHex64(input) ? input : undefined;
}

/** Whether `input` is exactly 64 lowercase hex digits (docker/reference's `IsFullIdentifier`). */
export function isFullIdentifier(input: string): boolean {
  return isHex64(input);
}

/** Whether `input` could be a prefix of an image ID: 1 to 64 lowercase hex digits. */
export function isIdPrefixLike(input: string): boolean {
  return isLowerHexUpTo64(input);
}
