/**
 * Reading a whole stream into memory, with a size limit.
 *
 * @module
 */
import { concatBytes } from "./concat_bytes.ts";

/**
 * Reads `stream` to its end; returns `undefined` (and cancels the stream) as soon as more
 * than `limit` bytes arrive. A missing stream reads as empty.
 */
export async function readLimited(
  stream: ReadableStream<Uint8Array> | null | undefined,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  if (!stream) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let length = 0;
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      length += value.byteLength;
      if (length > limit) {
        await reader.cancel().catch(() => {});
        return undefined;
      }
      chunks.push(value);
    }
  } finally {
    reader.releaseLock();
  }
  return concatBytes(chunks);
}
