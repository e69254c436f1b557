/**
 * The portable gunzip / raw-inflate codec over the WASM inflate kernel.
 *
 * @module
 */

import { CompressionError, type CompressionErrorReason } from "../errors.ts";
import {
  INFLATE_DONE,
  INFLATE_NEED_INPUT,
  type InflateErrorKind,
  inflateErrorKind,
  type InflateFormat,
  WasmInflater,
} from "../wasm/inflate.ts";
import type { SyncCodec } from "./_codec_stream.ts";
import { hostCrc32 } from "./_backend.ts";
import type { InflateSink } from "./gunzip.ts";
import { concatBytes } from "../streams/mod.ts";

const ERRORS: Record<InflateErrorKind, [CompressionErrorReason, string]> = {
  BadHeader: ["BadHeader", "not gzip data (bad magic number, method or flags)"],
  BadBlockType: ["BadBlock", "invalid deflate block type"],
  BadCodes: ["BadBlock", "invalid Huffman code lengths"],
  DistanceTooFar: ["BadBlock", "invalid distance too far back"],
  StoredLength: ["BadBlock", "stored block length does not match its complement"],
  BadCrc: ["BadChecksum", "CRC-32 does not match the data"],
  BadHeaderCrc: ["BadChecksum", "header CRC-16 does not match the header"],
  BadLength: ["BadLength", "length in the trailer does not match the data"],
  Truncated: ["Truncated", "unexpected end of data"],
  TrailingGarbage: ["TrailingGarbage", "unexpected bytes after the end of the data"],
  BadSymbol: ["BadBlock", "invalid literal/length or distance code"],
  Unknown: ["BadBlock", "the decoder failed"],
};

/** The CompressionError for a negative kernel status. */
export function inflateError(what: string, status: number): CompressionError {
  const [reason, detail] = ERRORS[inflateErrorKind(status)];
  return new CompressionError(what, reason, detail);
}

/** A codec that decodes `format` with the WASM kernel; errors name the data `what`. */
export function wasmInflateCodec(format: InflateFormat, what: string): SyncCodec {
  const inflater = new WasmInflater(format, { crc32: hostCrc32() });
  let finished = false;
  return {
    write(chunk) {
      if (finished) throw inflateError(what, -9);
      return inflater.write(chunk);
    },
    read(final) {
      while (!finished) {
        const status = inflater.decode(final);
        const out = inflater.takeOutput();
        if (status < 0) throw inflateError(what, status);
        if (status === INFLATE_DONE) finished = true;
        if (out !== undefined) return out;
        if (status === INFLATE_NEED_INPUT) return undefined;
      }
      return undefined;
    },
    close() {
      inflater.release();
    },
  };
}

/**
 * Decodes `format` with the WASM kernel straight into `use`, which sees views into the
 * kernel's memory valid only during the call: nothing is allocated per chunk (for
 * consumers that only hash or count the output). The same rules as
 * {@linkcode wasmInflateCodec}; errors name the data `what`.
 */
export function wasmInflateSink(
  format: InflateFormat,
  what: string,
  use: (bytes: Uint8Array) => void,
): InflateSink {
  const inflater = new WasmInflater(format, { crc32: hostCrc32() });
  let finished = false;
  const run = (final: boolean) => {
    while (!finished) {
      const status = inflater.decode(final);
      inflater.useOutput(use);
      if (status < 0) throw inflateError(what, status);
      if (status === INFLATE_DONE) finished = true;
      else if (status === INFLATE_NEED_INPUT) return;
    }
  };
  return {
    write(chunk) {
      let offset = 0;
      while (offset < chunk.length) {
        if (finished) throw inflateError(what, -9);
        offset += inflater.write(offset === 0 ? chunk : chunk.subarray(offset));
        run(false);
      }
    },
    end() {
      run(true);
    },
    close() {
      inflater.release();
    },
  };
}

/** Decodes all of `bytes` (gzip or raw DEFLATE) at once with the WASM kernel. */
export function wasmInflateAll(
  bytes: Uint8Array,
  format: InflateFormat,
  what: string,
): Uint8Array<ArrayBuffer> {
  const codec = wasmInflateCodec(format, what);
  const parts: Uint8Array<ArrayBuffer>[] = [];
  try {
    let offset = 0;
    while (offset < bytes.length) {
      offset += codec.write(bytes.subarray(offset));
      for (let out = codec.read(false); out !== undefined; out = codec.read(false)) {
        parts.push(out as Uint8Array<ArrayBuffer>);
      }
    }
    for (let out = codec.read(true); out !== undefined; out = codec.read(true)) {
      parts.push(out as Uint8Array<ArrayBuffer>);
    }
  } finally {
    codec.close();
  }
  return concatBytes(parts);
}
