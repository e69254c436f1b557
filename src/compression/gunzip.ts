/**
 * gzip and raw DEFLATE decompression, streaming and one-shot.
 *
 * @module
 */

import { CompressionError } from "../errors.ts";
import { type CompressionBackend, nativeZlib, requireZlib, resolveBackend } from "./_backend.ts";
import { codecStream } from "./_codec_stream.ts";
import { zlibError, zlibStream } from "./_zlib_stream.ts";
import { wasmInflateAll, wasmInflateCodec, wasmInflateSink } from "./_wasm_inflate.ts";
import { hostRuntime } from "../wasm/_kernel_choice.ts";
import { wasmInflateAvailable } from "../wasm/inflate.ts";
import { portableInflateAll, portableInflateStream } from "./_portable_inflate.ts";

/** Options of the decompression streams and helpers. */
export interface InflateOptions {
  /**
   * The implementation: `"wasm"` (stevedore's WebAssembly kernel), `"native"`
   * (`node:zlib`), or `"auto"`: the one measured the faster on this runtime (see
   * {@linkcode autoInflateBackend}), unless the environment variable `STEVEDORE_KERNELS`
   * names one.
   * @default {"auto"}
   */
  backend?: CompressionBackend;
  /**
   * What the data is, for error messages (a digest, a file name).
   * @default {"gzip data"}
   */
  what?: string;
}

/**
 * The backend `"auto"` picks for decompression, measured per runtime (bench/kernels_gzip.ts,
 * 128 MiB of text-like data): the WASM kernel, whose gzip CRC-32 comes from `node:zlib`
 * (900-920 MB/s on Deno against 830 for `node:zlib`, 790 against 580 on Node, 730 against
 * 530 on Bun). Only on a Deno whose `node:zlib` has no `crc32` is `node:zlib` faster (the
 * kernel's own CRC-32 brings it to 660 MB/s there).
 */
export function autoInflateBackend(): "wasm" | "native" {
  const hostCrc = typeof nativeZlib()?.crc32 === "function";
  return hostRuntime() === "deno" && !hostCrc ? "native" : "wasm";
}

/**
 * A stream that decompresses gzip data: any number of concatenated members, zero padding
 * after the last one ignored. Errors are {@linkcode CompressionError}s; a bad member header,
 * checksum or length, truncation and trailing garbage all fail the stream.
 *
 * @example
 * ```ts
 * import { gunzipStream } from "./gunzip.ts";
 * const response = new Response(new Uint8Array([
 *   0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xcb, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0, 0x86, 0xa6,
 *   0x10, 0x36, 5, 0, 0, 0,
 * ]));
 * const text = await new Response(response.body!.pipeThrough(gunzipStream())).text();
 * console.log(text); // "hello"
 * ```
 */
export function gunzipStream(
  options: InflateOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  return inflateStream("gzip", options);
}

/** A stream that decompresses raw DEFLATE data (RFC 1951, no header); bytes after its end fail it. */
export function inflateRawStream(
  options: InflateOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  return inflateStream("raw", options);
}

function inflateStream(
  format: "gzip" | "raw",
  options: InflateOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const what = options.what ?? (format === "gzip" ? "gzip data" : "deflate data");
  if (resolveBackend(options.backend, autoInflateBackend()) === "native") {
    return zlibStream(format === "gzip" ? "gunzip" : "inflateRaw", what);
  }
  if (options.backend !== "wasm" && !wasmInflateAvailable()) {
    return portableInflateStream(format, what);
  }
  return codecStream(() => wasmInflateCodec(format, what));
}

/** Decompresses gzip data held whole in memory; the same rules as {@linkcode gunzipStream}. */
export function gunzip(bytes: Uint8Array, options: InflateOptions = {}): Uint8Array<ArrayBuffer> {
  const what = options.what ?? "gzip data";
  if (resolveBackend(options.backend, autoInflateBackend()) === "wasm") {
    if (options.backend !== "wasm" && !wasmInflateAvailable()) {
      return portableInflateAll(bytes, "gzip", what);
    }
    return wasmInflateAll(bytes, "gzip", what);
  }
  if (bytes.length >= 1 && (bytes[0] !== 0x1f || (bytes.length >= 2 && bytes[1] !== 0x8b))) {
    throw zlibError(what, new Error("incorrect header check"), false);
  }
  let result: { buffer: Uint8Array; engine: import("node:zlib").Gunzip };
  try {
    result = requireZlib().gunzipSync(bytes, { info: true }) as unknown as typeof result;
  } catch (error) {
    throw zlibError(what, error, true);
  }
  // zlib stops quietly at a zero byte after a member: only zero bytes may follow.
  if (bytes.subarray(result.engine.bytesWritten).some((b) => b !== 0)) {
    throw new CompressionError(
      what,
      "TrailingGarbage",
      "unexpected bytes after the end of the data",
    );
  }
  const out = result.buffer;
  return new Uint8Array(out.buffer as ArrayBuffer, out.byteOffset, out.byteLength);
}

/** A decoder that hands what it decodes to a callback instead of returning it. */
export interface InflateSink {
  /** Decodes all of `chunk`; throws a `CompressionError` on bad data. */
  write(chunk: Uint8Array): void;
  /** Decodes the rest; throws when the data is truncated. */
  end(): void;
  /** Releases the decoder. */
  close(): void;
}

/**
 * A gzip decoder (the WASM kernel) that hands each piece it decodes to `use` as a view
 * valid only during the call, allocating nothing per chunk: for consumers that only hash
 * or count the data. The same rules as {@linkcode gunzipStream}; errors are
 * {@linkcode CompressionError}s naming `what`.
 *
 * @example
 * ```ts
 * import { gunzipSink, gzip } from "./mod.ts";
 * let size = 0;
 * const sink = gunzipSink("a layer", (bytes) => size += bytes.length);
 * sink.write(gzip(new TextEncoder().encode("hello")));
 * sink.end();
 * sink.close();
 * console.log(size); // 5
 * ```
 */
export function gunzipSink(what: string, use: (bytes: Uint8Array) => void): InflateSink {
  return wasmInflateSink("gzip", what, use);
}
