/**
 * A stream that computes the digest and size of the content passing through.
 *
 * @module
 */

import type { Digest, DigestAlgorithm } from "./digest.ts";
import { createHasher, type HashBackend } from "./hasher.ts";

/** Options of {@linkcode digestingStream}. */
export interface DigestingStreamOptions {
  /**
   * The hash algorithm.
   * @default {"sha256"}
   */
  algorithm?: DigestAlgorithm;
  /**
   * The hashing implementation.
   * @default {"auto"}
   */
  backend?: HashBackend;
}

/**
 * A pass-through stream that hashes what it forwards: `digest` resolves with the digest
 * and the byte count when the stream ends (and rejects if it is aborted or cancelled).
 */
export interface DigestingStream extends TransformStream<Uint8Array, Uint8Array> {
  /** The digest and size of everything that went through. */
  readonly result: Promise<{ digest: Digest; size: number }>;
}

/**
 * A pass-through stream that computes the digest and size of what passes, e.g. to name
 * a blob while it is being written.
 *
 * @example
 * ```ts
 * const tap = digestingStream();
 * await new Blob(["hello"]).stream().pipeThrough(tap).pipeTo(new WritableStream());
 * const { digest, size } = await tap.result; // sha256:2cf24dba..., 5
 * ```
 */
export function digestingStream(options: DigestingStreamOptions = {}): DigestingStream {
  const hasher = createHasher(options);
  let settle!: (value: { digest: Digest; size: number }) => void;
  let fail!: (reason: unknown) => void;
  const result = new Promise<{ digest: Digest; size: number }>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  // Nobody may be waiting for the result of a stream that failed.
  result.catch(() => {});
  // `cancel` is part of the Streams standard but missing from older DOM typings.
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(reason: unknown): void } = {
    transform(chunk, controller) {
      hasher.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      settle({ digest: hasher.digest(), size: hasher.bytesHashed });
    },
    cancel(reason) {
      fail(reason);
    },
  };
  const stream = new TransformStream<Uint8Array, Uint8Array>(transformer);
  return Object.assign(stream, { result });
}
