/**
 * Small stream helpers the path-based transports share: SHA-256 over bytes, gzip sniffing
 * and inflation.
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { gunzipStream } from "../compression/mod.ts";

/** The `sha256:<hex>` digest of `bytes`. */
export function sha256Digest(bytes: Uint8Array | string): string {
  return digestBytes(bytes).toString();
}

/** Tells whether `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Peeks at the first bytes of `stream`; returns them and a stream with all bytes again. */
export async function peekStream(
  stream: ReadableStream<Uint8Array>,
  count: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < count) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    have += next.value.length;
  }
  const head = new Uint8Array(have);
  let offset = 0;
  for (const chunk of chunks) {
    head.set(chunk, offset);
    offset += chunk.length;
  }
  let replayed = false;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!replayed) {
        replayed = true;
        if (head.length > 0) controller.enqueue(head);
        if (done) controller.close();
        return;
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return { head: head.subarray(0, Math.min(count, head.length)), stream: rest };
}

/** Inflates a gzip stream; malformed or truncated input errors with a `CompressionError`. */
export function gunzip(
  stream: ReadableStream<Uint8Array>,
  what: string,
): ReadableStream<Uint8Array> {
  return stream.pipeThrough(gunzipStream({ what }));
}

/** Returns `stream` inflated when it is gzip-compressed, else unchanged. */
export async function gunzipIfCompressed(
  stream: ReadableStream<Uint8Array>,
  what: string,
): Promise<ReadableStream<Uint8Array>> {
  const peeked = await peekStream(stream, 2);
  return isGzip(peeked.head) ? gunzip(peeked.stream, what) : peeked.stream;
}
