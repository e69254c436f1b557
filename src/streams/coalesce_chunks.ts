/**
 * Joining small chunks: some runtimes hand out response bodies in 4 KiB pieces (workerd
 * does), and every later stage (hashing, decompression, writing) pays per chunk.
 *
 * @module
 */
import { concatBytes } from "./concat_bytes.ts";

/** Collects chunks and hands them back joined, at least `minBytes` at a time. */
export class ChunkJoiner {
  readonly #minBytes: number;
  #pending: Uint8Array[] = [];
  #size = 0;

  /** A joiner of chunks into pieces of at least `minBytes`. */
  constructor(minBytes: number) {
    this.#minBytes = minBytes;
  }

  /** Takes `chunk`; returns a joined piece once enough has come (a large chunk as it is). */
  push(chunk: Uint8Array): Uint8Array | undefined {
    if (this.#size === 0 && chunk.byteLength >= this.#minBytes) return chunk;
    this.#pending.push(chunk);
    this.#size += chunk.byteLength;
    return this.#size >= this.#minBytes ? this.flush() : undefined;
  }

  /** What is left, joined, or undefined when nothing is. */
  flush(): Uint8Array | undefined {
    if (this.#size === 0) return undefined;
    const joined = concatBytes(this.#pending);
    this.#pending = [];
    this.#size = 0;
    return joined;
  }
}

/**
 * A pass-through stage whose output chunks are at least `minBytes` long (but the last):
 * small chunks are joined, chunks already that large pass through untouched.
 *
 * @example
 * ```ts
 * import { coalesceChunks } from "./coalesce_chunks.ts";
 * const joined = new Response("abc").body!.pipeThrough(coalesceChunks(64 * 1024));
 * ```
 */
export function coalesceChunks(minBytes: number): TransformStream<Uint8Array, Uint8Array> {
  const joiner = new ChunkJoiner(minBytes);
  return new TransformStream({
    transform(chunk, controller) {
      const piece = joiner.push(chunk);
      if (piece !== undefined) controller.enqueue(piece);
    },
    flush(controller) {
      const rest = joiner.flush();
      if (rest !== undefined) controller.enqueue(rest);
    },
  });
}
