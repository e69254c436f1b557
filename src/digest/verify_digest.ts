/**
 * The one check of content held in memory against the digest (and size) it should have:
 * {@linkcode verifyDigest} hashes and compares, {@linkcode assertDigest} compares a digest
 * already computed. Streams are checked by `digestVerifier`.
 *
 * @module
 */
import { DigestMismatchError } from "../errors.ts";
import { digestBytes } from "./compute_digest.ts";
import { Digest } from "./digest.ts";

/** Options of {@linkcode verifyDigest} and {@linkcode assertDigest}. */
export interface VerifyDigestOptions {
  /** The size the content must have, if known. */
  size?: number;
  /** What the content is, for the error message. @default the expected digest */
  what?: string;
}

/**
 * Throws a {@linkcode DigestMismatchError} unless `actual` is `expected` and `bytesRead`
 * is `options.size` (when given).
 *
 * @example
 * ```ts
 * import { assertDigest } from "./verify_digest.ts";
 * assertDigest("sha256:aa", "sha256:aa", 3); // passes
 * ```
 */
export function assertDigest(
  expected: string,
  actual: string,
  bytesRead: number,
  options: VerifyDigestOptions = {},
): void {
  const { size } = options;
  if (actual === expected && (size === undefined || size === bytesRead)) return;
  throw new DigestMismatchError(options.what ?? expected, expected, actual, bytesRead, size);
}

/**
 * Hashes `bytes` with the algorithm of `expected` and checks digest and size; returns the
 * digest.
 *
 * @example
 * ```ts
 * import { verifyDigest } from "./verify_digest.ts";
 * const hello = new TextEncoder().encode("hello");
 * verifyDigest(
 *   hello,
 *   "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
 *   { size: 5 },
 * );
 * ```
 *
 * @throws {DigestMismatchError} when the digest or the size differs.
 * @throws {InvalidDigestError} when `expected` is not a digest.
 */
export function verifyDigest(
  bytes: Uint8Array,
  expected: string,
  options: VerifyDigestOptions = {},
): string {
  const { algorithm } = Digest.parse(expected);
  const actual = digestBytes(bytes, { algorithm }).toString();
  assertDigest(expected, actual, bytes.length, options);
  return actual;
}
