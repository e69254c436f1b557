/**
 * Compression: recognize a format by its magic bytes, decompress gzip (a WASM kernel or
 * `node:zlib`) and zstd (`fzstd`), compress gzip (`node:zlib` or `fflate`). Streams run
 * in bounded memory and fail with a {@linkcode CompressionError} on bad data.
 *
 * @example
 * ```ts
 * import { decompressStream, gzip, sniffCompression } from "./mod.ts";
 * const packed = gzip(new TextEncoder().encode("layer bytes"));
 * console.log(sniffCompression(packed)); // "gzip"
 * const plain = new Response(packed).body!.pipeThrough(decompressStream());
 * console.log(await new Response(plain).text()); // "layer bytes"
 * ```
 *
 * @module
 */
export { type CompressionKind, SNIFF_LENGTH, sniffCompression } from "./sniff.ts";
export type { CompressionBackend } from "./compression_backend.ts";
export {
  autoInflateBackend,
  gunzip,
  gunzipSink,
  gunzipStream,
  type InflateOptions,
  inflateRawStream,
  type InflateSink,
} from "./gunzip.ts";
export { gzip, type GzipOptions, gzipStream } from "./gzip.ts";
export { zstdDecompressStream, type ZstdOptions } from "./zstd.ts";
export { type DecompressOptions, decompressStream } from "./decompress.ts";
