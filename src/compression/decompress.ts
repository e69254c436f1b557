/**
 * Decompression by format, named or sniffed from the data.
 *
 * @module
 */

import { CompressionError } from "../errors.ts";
import type { CompressionBackend } from "./_backend.ts";
import { gunzipStream } from "./gunzip.ts";
import { type CompressionKind, SNIFF_LENGTH, sniffCompression } from "./sniff.ts";
import { zstdDecompressStream } from "./zstd.ts";

/** Options of {@linkcode decompressStream}. */
export interface DecompressOptions {
  /**
   * The gzip implementation (see {@linkcode gunzipStream}).
   * @default {"auto"}
   */
  backend?: CompressionBackend;
  /**
   * What the data is, for error messages (a digest, a file name).
   * @default {"compressed data"}
   */
  what?: string;
}

/**
 * A stream that decompresses data of the format `kind`: gzip, zstd, or `"none"` (passed
 * through). With `"auto"` the format is sniffed from the first bytes. bzip2 and xz are
 * recognized but not supported: the stream fails with a CompressionError `Unsupported`.
 *
 * @example
 * ```ts
 * import { decompressStream } from "./decompress.ts";
 * const plain = new Response("not compressed").body!.pipeThrough(decompressStream("auto"));
 * console.log(await new Response(plain).text()); // "not compressed"
 * ```
 */
export function decompressStream(
  kind: CompressionKind | "auto" = "auto",
  options: DecompressOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  if (kind !== "auto") return streamFor(kind, options);
  return sniffingStream(options);
}

function streamFor(
  kind: CompressionKind,
  options: DecompressOptions,
): TransformStream<Uint8Array, Uint8Array> {
  const what = options.what ?? "compressed data";
  switch (kind) {
    case "gzip":
      return gunzipStream({ backend: options.backend, what });
    case "zstd":
      return zstdDecompressStream({ what });
    case "none":
      return new TransformStream<Uint8Array, Uint8Array>();
    case "bzip2":
    case "xz":
      return new TransformStream<Uint8Array, Uint8Array>({
        start(controller) {
          controller.error(new CompressionError(what, "Unsupported", `${kind} is not supported`));
        },
      });
    default:
      throw new TypeError(`Cannot decompress as "${kind}": unknown format`);
  }
}

/** Holds back the first bytes until the format is known, then feeds its decoder. */
function sniffingStream(options: DecompressOptions): TransformStream<Uint8Array, Uint8Array> {
  const head: Uint8Array[] = [];
  let headLength = 0;
  let inner: WritableStreamDefaultWriter<Uint8Array> | undefined;
  let resolveReader!: (reader: ReadableStreamDefaultReader<Uint8Array>) => void;
  let rejectReader!: (reason: unknown) => void;
  const reader = new Promise<ReadableStreamDefaultReader<Uint8Array>>((resolve, reject) => {
    resolveReader = resolve;
    rejectReader = reject;
  });
  reader.catch(() => {});

  const begin = async (): Promise<WritableStreamDefaultWriter<Uint8Array>> => {
    const bytes = new Uint8Array(headLength);
    let offset = 0;
    for (const part of head) {
      bytes.set(part, offset);
      offset += part.length;
    }
    head.length = 0;
    let decoder: TransformStream<Uint8Array, Uint8Array>;
    try {
      decoder = streamFor(sniffCompression(bytes), options);
    } catch (error) {
      rejectReader(error);
      throw error;
    }
    const writer = decoder.writable.getWriter();
    inner = writer;
    resolveReader(decoder.readable.getReader());
    if (bytes.length > 0) await writer.write(bytes);
    return writer;
  };

  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      if (inner !== undefined) return inner.write(chunk);
      head.push(chunk);
      headLength += chunk.length;
      if (headLength >= SNIFF_LENGTH) await begin();
    },
    async close() {
      await (inner ?? await begin()).close();
    },
    async abort(reason) {
      if (inner !== undefined) await inner.abort(reason);
      else rejectReader(reason);
    },
  });

  const readable = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await (await reader).read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    async cancel(reason) {
      rejectReader(reason);
      inner?.abort(reason).catch(() => {});
      (await reader.catch(() => undefined))?.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });

  return { readable, writable };
}
