/**
 * The inflate kernel (raw DEFLATE and gzip, streaming, bounded memory) compiled from
 * `wasm/inflate.ts`, with a typed wrapper. The module is compiled once; each decoder is an
 * instance of its own (about 400 KiB of memory), and finished ones are pooled for reuse.
 * The CRC-32 of gzip output is computed by the kernel, or by a faster one the host gives
 * (`node:zlib`'s `crc32`: 4.7-24 GB/s against the kernel's 2 GB/s).
 *
 * @module
 */

import { instantiateKernel, kernelLoadable } from "./kernel_modules.ts";
import { inflateBase64 } from "./inflate_bytes.ts";

/** What an inflater decodes: gzip (any number of members) or raw DEFLATE. */
export type InflateFormat = "gzip" | "raw";

/** Progress reported by {@linkcode WasmInflater.decode}: all input so far is used. */
export const INFLATE_NEED_INPUT = 0;
/** Progress reported by {@linkcode WasmInflater.decode}: take the output and call again. */
export const INFLATE_OUTPUT_FULL = 1;
/** Progress reported by {@linkcode WasmInflater.decode}: the stream ended properly. */
export const INFLATE_DONE = 2;

/** Why the kernel refused its input, by the negative code `decode` returns. */
export type InflateErrorKind =
  | "BadHeader"
  | "BadBlockType"
  | "BadCodes"
  | "DistanceTooFar"
  | "StoredLength"
  | "BadCrc"
  | "BadLength"
  | "Truncated"
  | "TrailingGarbage"
  | "BadHeaderCrc"
  | "BadSymbol"
  | "Unknown";

const ERROR_KINDS: Record<number, InflateErrorKind> = {
  [-1]: "BadHeader",
  [-2]: "BadBlockType",
  [-3]: "BadCodes",
  [-4]: "DistanceTooFar",
  [-5]: "StoredLength",
  [-6]: "BadCrc",
  [-7]: "BadLength",
  [-8]: "Truncated",
  [-9]: "TrailingGarbage",
  [-10]: "BadHeaderCrc",
  [-11]: "BadSymbol",
};

/** The error kind of a negative status returned by {@linkcode WasmInflater.decode}. */
export function inflateErrorKind(status: number): InflateErrorKind {
  return ERROR_KINDS[status] ?? "Unknown";
}

interface InflateExports {
  memory: WebAssembly.Memory;
  reset(gzip: number): void;
  inputSpace(): number;
  inputEnd(): number;
  inputCommit(n: number): void;
  inputLeft(): number;
  outputPtr(): number;
  outputLen(): number;
  outputConsumed(): void;
  decode(final: number): number;
  useHostCrc(on: number): void;
}

/**
 * A CRC-32 (gzip's) of the host: continues `value` (0 to start) over `data` and returns
 * the result, as an unsigned 32-bit number. `node:zlib`'s `crc32` is one.
 */
export type HostCrc32 = (data: Uint8Array, value: number) => number;

/** A kernel instance, with the host CRC-32 its `env.crc32` import calls. */
interface Kernel {
  exports: InflateExports;
  crc32: HostCrc32 | undefined;
}

const pool: Kernel[] = [];
const POOL_MAX = 4;

function instantiate(): Kernel {
  const reused = pool.pop();
  if (reused !== undefined) return reused;
  const kernel: Kernel = { exports: undefined!, crc32: undefined };
  kernel.exports = instantiateKernel<InflateExports>("inflate", inflateBase64, {
    crc32(crc, ptr, len) {
      const data = new Uint8Array(kernel.exports.memory.buffer, ptr >>> 0, len >>> 0);
      return kernel.crc32!(data, crc >>> 0);
    },
  });
  return kernel;
}

/** Whether the inflate kernel can be loaded on this runtime. */
export function wasmInflateAvailable(): boolean {
  return kernelLoadable("inflate", inflateBase64);
}

/** Options of {@linkcode WasmInflater}. */
export interface WasmInflaterOptions {
  /** Computes the CRC-32 of gzip output instead of the kernel (see {@linkcode HostCrc32}). */
  crc32?: HostCrc32;
}

/**
 * One streaming decoder. Feed input with {@linkcode write}, run {@linkcode decode}, and
 * take what it produced with {@linkcode takeOutput} after every call; call
 * {@linkcode release} when done with it.
 */
export class WasmInflater {
  #kernel: Kernel | undefined;
  #memory: Uint8Array;

  /** Starts a decoder for `format`. */
  constructor(format: InflateFormat, options: WasmInflaterOptions = {}) {
    const kernel = instantiate();
    kernel.crc32 = options.crc32;
    kernel.exports.useHostCrc(options.crc32 === undefined ? 0 : 1);
    kernel.exports.reset(format === "gzip" ? 1 : 0);
    this.#kernel = kernel;
    this.#memory = new Uint8Array(kernel.exports.memory.buffer);
  }

  #live(): InflateExports {
    const kernel = this.#kernel?.exports;
    if (kernel === undefined) throw new TypeError("Cannot use a released inflater");
    // The kernel sizes its memory once at start; renew the view should it ever grow.
    if (this.#memory.byteLength === 0) this.#memory = new Uint8Array(kernel.memory.buffer);
    return kernel;
  }

  /**
   * Copies as much of `bytes` as fits into the decoder's input buffer (up to 64 KiB at a
   * time) and returns how many bytes it took; 0 means: decode first.
   */
  write(bytes: Uint8Array): number {
    const kernel = this.#live();
    const room = kernel.inputSpace();
    const n = Math.min(room, bytes.length);
    if (n === 0) return 0;
    this.#memory.set(n === bytes.length ? bytes : bytes.subarray(0, n), kernel.inputEnd());
    kernel.inputCommit(n);
    return n;
  }

  /**
   * Decodes as far as the input and the output buffer allow. Returns
   * {@linkcode INFLATE_NEED_INPUT}, {@linkcode INFLATE_OUTPUT_FULL}, {@linkcode INFLATE_DONE},
   * or a negative error code (see {@linkcode inflateErrorKind}). `final` says no more input
   * will be written, so running out of it means the data is truncated.
   */
  decode(final: boolean): number {
    return this.#live().decode(final ? 1 : 0);
  }

  /** Takes (copies out) the bytes decoded since the last call, if any. */
  takeOutput(): Uint8Array<ArrayBuffer> | undefined {
    const kernel = this.#live();
    const len = kernel.outputLen();
    if (len === 0) return undefined;
    const ptr = kernel.outputPtr();
    const out = this.#memory.slice(ptr, ptr + len);
    kernel.outputConsumed();
    return out;
  }

  /**
   * Passes the bytes decoded since the last call to `use` as a view into the decoder's
   * memory (valid only during the call: nothing is copied), then frees them; returns how
   * many there were.
   */
  useOutput(use: (bytes: Uint8Array) => void): number {
    const kernel = this.#live();
    const len = kernel.outputLen();
    if (len === 0) return 0;
    const ptr = kernel.outputPtr();
    use(this.#memory.subarray(ptr, ptr + len));
    kernel.outputConsumed();
    return len;
  }

  /** Input bytes written but not used (after the end: bytes that followed the stream). */
  inputLeft(): number {
    return this.#live().inputLeft();
  }

  /** Returns the decoder's instance to the pool; the inflater is unusable afterwards. */
  release(): void {
    const kernel = this.#kernel;
    if (kernel === undefined) return;
    this.#kernel = undefined;
    kernel.crc32 = undefined;
    if (pool.length < POOL_MAX) pool.push(kernel);
  }
}
