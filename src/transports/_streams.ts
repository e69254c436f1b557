/**
 * Small helpers the path-based transports share: SHA-256 over bytes, gzip sniffing and
 * inflation (stream plumbing itself lives in `streams/`).
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { gunzipStream } from "../compression/mod.ts";
import { peekStream } from "../streams/mod.ts";

/** The `sha256:<hex>` digest of `bytes`. */
export function sha256Digest(bytes: Uint8Array | string): string {
  return digestBytes(bytes).toString();
}

/** Tells whether `bytes` start with the gzip magic number. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
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
