/**
 * One call to hash bytes or a whole stream.
 *
 * @module
 */

import type { Digest } from "./digest.ts";
import { createHasher, type HasherOptions } from "./hasher.ts";

/** Options of {@linkcode computeDigest}: the algorithm and the implementation. */
export type ComputeDigestOptions = HasherOptions;

/**
 * The digest of `data`: bytes, or a stream read to its end (and released).
 *
 * @example
 * ```ts
 * const digest = await computeDigest(new TextEncoder().encode("abc"));
 * digest.toString(); // "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export async function computeDigest(
  data: Uint8Array | ReadableStream<Uint8Array>,
  options: ComputeDigestOptions = {},
): Promise<Digest> {
  const hasher = createHasher(options);
  if (data instanceof Uint8Array) {
    hasher.update(data);
    return hasher.digest();
  }
  const reader = data.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      hasher.update(value);
    }
  } finally {
    reader.releaseLock();
  }
  return hasher.digest();
}

/**
 * The digest of bytes (or UTF-8 text) held in memory, computed synchronously.
 *
 * @example
 * ```ts
 * digestBytes("abc").toString(); // "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
 * ```
 */
export function digestBytes(
  data: Uint8Array | string,
  options: ComputeDigestOptions = {},
): Digest {
  const hasher = createHasher(options);
  hasher.update(typeof data === "string" ? new TextEncoder().encode(data) : data);
  return hasher.digest();
}
