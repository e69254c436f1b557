/**
 * A stream that checks the content passing through against an expected digest and size.
 *
 * @module
 */

import { DigestMismatchError } from "../errors.ts";
import { Digest } from "./digest.ts";
import { createHasher, type HashBackend } from "./hasher.ts";

/** Options of {@linkcode digestVerifier}. */
export interface DigestVerifierOptions {
  /**
   * The exact number of bytes expected; more or fewer fail the stream.
   * @default {undefined} (any size)
   */
  size?: number;
  /**
   * What the content is, for the error message (e.g. a blob or a URL).
   * @default {the expected digest}
   */
  what?: string;
  /**
   * The hashing implementation.
   * @default {"auto"}
   */
  backend?: HashBackend;
}

/**
 * A pass-through stream that hashes the bytes it forwards and, at their end, errors with
 * {@linkcode DigestMismatchError} if their digest is not `expected` or their count is not
 * `size`. It errors as soon as more than `size` bytes arrive, before forwarding them.
 * A malformed `expected` string throws {@linkcode InvalidDigestError} right away.
 *
 * @example
 * ```ts
 * const blob = new Blob(["hello"]);
 * const verified = blob.stream().pipeThrough(digestVerifier(
 *   "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
 *   { size: blob.size, what: "greeting" },
 * ));
 * await new Response(verified).text(); // "hello", or a DigestMismatchError
 * ```
 */
export function digestVerifier(
  expected: Digest | string,
  options: DigestVerifierOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const want = typeof expected === "string" ? Digest.parse(expected) : expected;
  const { size, backend } = options;
  if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
    throw new RangeError(`Expected size must be a non-negative integer, got ${size}`);
  }
  const what = options.what ?? want.toString();
  const hasher = createHasher({ algorithm: want.algorithm, backend });
  const mismatch = (actual: Digest) =>
    new DigestMismatchError(
      what,
      want.toString(),
      actual.toString(),
      hasher.bytesHashed,
      size,
    );
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hasher.update(chunk);
      if (size !== undefined && hasher.bytesHashed > size) throw mismatch(hasher.digest());
      controller.enqueue(chunk);
    },
    flush() {
      const actual = hasher.digest();
      if (!actual.equals(want) || (size !== undefined && hasher.bytesHashed !== size)) {
        throw mismatch(actual);
      }
    },
  });
}
