/**
 * A stage that joins small chunks: some runtimes hand out response bodies in 4 KiB pieces
 * (workerd does), and every later stage (hashing, decompression, writing) pays per chunk.
 *
 * @module
 */
import { concatBytes } from "./concat_bytes.ts";

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
  let pending: Uint8Array[] = [];
  let size = 0;
  return new TransformStream({
    transform(chunk, controller) {
      if (size === 0 && chunk.byteLength >= minBytes) {
        controller.enqueue(chunk);
        return;
      }
      pending.push(chunk);
      size += chunk.byteLength;
      if (size >= minBytes) {
        controller.enqueue(concatBytes(pending));
        pending = [];
        size = 0;
      }
    },
    flush(controller) {
      if (size > 0) controller.enqueue(concatBytes(pending));
    },
  });
}
