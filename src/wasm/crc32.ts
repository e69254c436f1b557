/**
 * The CRC-32 kernel (IEEE polynomial, as in gzip and zip) compiled from `wasm/crc32.ts`.
 *
 * @module
 */

import { instantiateKernel } from "./kernel_modules.ts";
import { crc32Base64 } from "./crc32_bytes.ts";

interface Crc32Exports {
  memory: WebAssembly.Memory;
  inputPtr(): number;
  inputSize(): number;
  crc32Update(crc: number, ptr: number, len: number): number;
}

interface Crc32Kernel {
  exports: Crc32Exports;
  inputPtr: number;
  inputSize: number;
  view: Uint8Array;
}

let kernel: Crc32Kernel | undefined;

function loadKernel(): Crc32Kernel {
  if (kernel !== undefined) return kernel;
  const exports = instantiateKernel<Crc32Exports>("crc32", crc32Base64);
  kernel = {
    exports,
    inputPtr: exports.inputPtr() >>> 0,
    inputSize: exports.inputSize() >>> 0,
    view: new Uint8Array(exports.memory.buffer),
  };
  return kernel;
}

/**
 * Continues the CRC-32 `crc` (the value of the bytes before, or 0 to start) over `chunk`
 * and returns the CRC-32 of all of them, as an unsigned 32-bit number.
 *
 * @example
 * ```ts
 * let crc = wasmCrc32(new TextEncoder().encode("1234"));
 * crc = wasmCrc32(new TextEncoder().encode("56789"), crc); // 0xcbf43926
 * ```
 */
export function wasmCrc32(chunk: Uint8Array, crc = 0): number {
  const k = loadKernel();
  let value = crc >>> 0;
  for (let offset = 0; offset < chunk.length; offset += k.inputSize) {
    const end = Math.min(chunk.length, offset + k.inputSize);
    if (k.view.byteLength === 0) k.view = new Uint8Array(k.exports.memory.buffer);
    k.view.set(chunk.subarray(offset, end), k.inputPtr);
    value = k.exports.crc32Update(value, k.inputPtr, end - offset) >>> 0;
  }
  return value;
}

/**
 * A streaming CRC-32 in WebAssembly: {@linkcode update} with chunks, read {@linkcode value}.
 */
export class WasmCrc32 {
  #value = 0;

  /** The CRC-32 of everything given so far (0 before any byte). */
  get value(): number {
    return this.#value;
  }

  /** Folds `chunk` into the running CRC-32; returns the object. */
  update(chunk: Uint8Array): this {
    this.#value = wasmCrc32(chunk, this.#value);
    return this;
  }
}
