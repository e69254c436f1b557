/**
 * Zstandard decompression (streaming), over the pure-JavaScript `fzstd`.
 *
 * @module
 */

import { Decompress } from "fzstd";
import { CompressionError, type CompressionErrorReason } from "../errors.ts";
import { codecStream, type SyncCodec } from "./_codec_stream.ts";

/** Options of {@linkcode zstdDecompressStream}. */
export interface ZstdOptions {
  /**
   * What the data is, for error messages (a digest, a file name).
   * @default {"zstd data"}
   */
  what?: string;
}

/** How much input is decoded per step, bounding each step's output. */
const STEP = 16 * 1024;

/** fzstd's error codes, in order: invalid data, window too large, block type, FSE, distance, EOF. */
const REASONS: CompressionErrorReason[] = [
  "BadBlock",
  "Unsupported",
  "BadBlock",
  "BadBlock",
  "BadBlock",
  "Truncated",
];

function zstdError(what: string, error: unknown): CompressionError {
  const code = (error as { code?: unknown })?.code;
  const reason = typeof code === "number" ? REASONS[code] ?? "BadBlock" : "Unsupported";
  const detail = error instanceof Error ? error.message : String(error);
  return new CompressionError(what, reason, detail, { cause: error });
}

function isFrameMagic(bytes: Uint8Array): boolean {
  const zstd = bytes[0] === 0x28 && bytes[1] === 0xb5 && bytes[2] === 0x2f && bytes[3] === 0xfd;
  const skippable = (bytes[0] & 0xf0) === 0x50 && bytes[1] === 0x2a && bytes[2] === 0x4d &&
    bytes[3] === 0x18;
  return zstd || skippable;
}

function fzstdCodec(what: string): SyncCodec {
  const queue: Uint8Array[] = [];
  const engine = new Decompress((chunk) => {
    if (chunk.length > 0) queue.push(chunk);
  });
  const head = new Uint8Array(4);
  let seen = 0;
  let ended = false;
  const push = (chunk: Uint8Array, final: boolean) => {
    try {
      engine.push(chunk, final);
    } catch (error) {
      throw zstdError(what, error);
    }
  };
  return {
    write(chunk) {
      const n = Math.min(chunk.length, STEP);
      for (let i = 0; seen < 4 && i < n; i++) head[seen++] = chunk[i];
      if (seen === 4 && !isFrameMagic(head)) {
        throw new CompressionError(what, "BadHeader", "not zstd data (bad magic number)");
      }
      push(chunk.subarray(0, n), false);
      return n;
    },
    read(final) {
      if (queue.length === 0 && final && !ended) {
        ended = true;
        if (seen < 4) {
          throw new CompressionError(what, seen === 0 ? "Truncated" : "BadHeader", "no zstd frame");
        }
        push(new Uint8Array(0), true);
      }
      return queue.shift();
    },
    close() {},
  };
}

/**
 * A stream that decompresses Zstandard data (any number of frames). Frame checksums are
 * not verified; digests of the compressed and uncompressed bytes cover integrity. Memory
 * holds one window, as large as the frame declares (fzstd refuses more than 2 GiB).
 *
 * @example
 * ```ts
 * import { zstdDecompressStream } from "./zstd.ts";
 * // A frame holding "hi": magic, header, one raw block.
 * const frame = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 2, 0x11, 0, 0, 0x68, 0x69]);
 * const text = await new Response(
 *   new Response(frame).body!.pipeThrough(zstdDecompressStream()),
 * ).text();
 * console.log(text); // "hi"
 * ```
 */
export function zstdDecompressStream(
  options: ZstdOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const what = options.what ?? "zstd data";
  return codecStream(() => fzstdCodec(what));
}
