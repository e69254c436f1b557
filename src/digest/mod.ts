/**
 * Content digests: the {@linkcode Digest} value type (`sha256:<hex>`, `sha384:<hex>`, `sha512:<hex>`),
 * streaming hashers on `node:crypto` or stevedore's WebAssembly SHA-256, one-call
 * {@linkcode computeDigest}, and streams that verify or compute the digest of what passes.
 *
 * @example
 * ```ts
 * import { computeDigest, Digest, digestVerifier } from "./mod.ts";
 *
 * const data = new TextEncoder().encode("hello");
 * const digest = await computeDigest(data);
 * Digest.parse(digest.toString()).equals(digest); // true
 * const checked = new Blob([data]).stream().pipeThrough(digestVerifier(digest, { size: 5 }));
 * ```
 *
 * @module
 */

export { Digest, DIGEST_HEX_LENGTHS, type DigestAlgorithm, isDigestAlgorithm } from "./digest.ts";
export {
  createHasher,
  type HashBackend,
  type Hasher,
  type HasherOptions,
  resolveBackend,
} from "./hasher.ts";
export { computeDigest, type ComputeDigestOptions, digestBytes } from "./compute_digest.ts";
export { digestVerifier, type DigestVerifierOptions } from "./digest_verifier.ts";
export { assertDigest, verifyDigest, type VerifyDigestOptions } from "./verify_digest.ts";
export {
  type DigestingStream,
  digestingStream,
  type DigestingStreamOptions,
} from "./digesting_stream.ts";
