/**
 * The last-resort decoders, for runtimes with neither `node:zlib` nor a loadable inflate
 * kernel: the Web's `DecompressionStream` for streams and `fflate` for bytes in memory.
 * Unlike the other backends, a stream here takes a single gzip member.
 *
 * @module
 */

import { gunzipSync, inflateSync } from "fflate";
import { CompressionError } from "../errors.ts";
import { mapStreamErrors } from "../streams/mod.ts";

function decodeError(what: string, error: unknown): CompressionError {
  if (error instanceof CompressionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CompressionError(what, "BadBlock", message, { cause: error });
}

/** A `DecompressionStream` for `format` whose errors are CompressionErrors naming `what`. */
export function portableInflateStream(
  format: "gzip" | "raw",
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  const stream = new DecompressionStream(format === "gzip" ? "gzip" : "deflate-raw");
  const writable = stream.writable as WritableStream<Uint8Array>;
  const readable = mapStreamErrors(
    stream.readable as ReadableStream<Uint8Array>,
    (error) => decodeError(what, error),
  );
  return { writable, readable };
}

/** Decodes all of `bytes` (gzip or raw DEFLATE) with `fflate`. */
export function portableInflateAll(
  bytes: Uint8Array,
  format: "gzip" | "raw",
  what: string,
): Uint8Array<ArrayBuffer> {
  try {
    const out = format === "gzip" ? gunzipSync(bytes) : inflateSync(bytes);
    return new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
  } catch (error) {
    throw decodeError(what, error);
  }
}
