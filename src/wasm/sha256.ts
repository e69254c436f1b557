/**
 * The SHA-256 kernel compiled from `wasm/sha256.ts`, with a typed streaming wrapper.
 * One module instance serves every hasher: each is a small state slot in its memory.
 *
 * @module
 */

import { instantiateKernel, kernelLoadable } from "./kernel_modules.ts";
import { sha256Base64 } from "./sha256_bytes.ts";

interface Sha256Exports {
  memory: WebAssembly.Memory;
  inputPtr(): number;
  inputSize(): number;
  create(): number;
  update(handle: number, ptr: number, len: number): void;
  finish(handle: number, outPtr: number): void;
  release(handle: number): void;
}

interface Sha256Kernel {
  exports: Sha256Exports;
  inputPtr: number;
  inputSize: number;
  /** A view of the whole memory, renewed when the memory grows. */
  view: Uint8Array;
  /** Frees the slots of hashers dropped without `digest()`. */
  registry: FinalizationRegistry<number>;
}

let kernel: Sha256Kernel | undefined;

function loadKernel(): Sha256Kernel {
  if (kernel !== undefined) return kernel;
  const exports = instantiateKernel<Sha256Exports>("sha256", sha256Base64);
  const loaded: Sha256Kernel = {
    exports,
    inputPtr: exports.inputPtr() >>> 0,
    inputSize: exports.inputSize() >>> 0,
    view: new Uint8Array(exports.memory.buffer),
    registry: new FinalizationRegistry((handle) => exports.release(handle)),
  };
  kernel = loaded;
  return loaded;
}

function memoryView(k: Sha256Kernel): Uint8Array {
  // A grown memory detaches the old buffer, leaving the old view empty.
  if (k.view.byteLength === 0) k.view = new Uint8Array(k.exports.memory.buffer);
  return k.view;
}

/** Whether the SHA-256 kernel can be loaded on this runtime. */
export function wasmSha256Available(): boolean {
  return kernelLoadable("sha256", sha256Base64);
}

/** The length in bytes of a SHA-256 digest. */
export const SHA256_BYTES = 32;

/**
 * A streaming SHA-256 hasher running in WebAssembly. Feed it with {@linkcode update},
 * then call {@linkcode digest} once; any number of hashers may be alive at once.
 *
 * @example
 * ```ts
 * const hasher = new WasmSha256();
 * hasher.update(new TextEncoder().encode("abc"));
 * const bytes = hasher.digest(); // ba7816bf...
 * ```
 */
export class WasmSha256 {
  #kernel: Sha256Kernel;
  #handle: number;

  /** Starts a new hash. */
  constructor() {
    this.#kernel = loadKernel();
    this.#handle = this.#kernel.exports.create();
    this.#kernel.registry.register(this, this.#handle, this);
  }

  #live(): number {
    if (this.#handle === 0) throw new TypeError("Cannot use a SHA-256 hasher after digest()");
    return this.#handle;
  }

  /** Hashes `chunk` (of any size) after what came before; returns the hasher. */
  update(chunk: Uint8Array): this {
    const handle = this.#live();
    const k = this.#kernel;
    for (let offset = 0; offset < chunk.length; offset += k.inputSize) {
      const end = Math.min(chunk.length, offset + k.inputSize);
      memoryView(k).set(chunk.subarray(offset, end), k.inputPtr);
      k.exports.update(handle, k.inputPtr, end - offset);
    }
    return this;
  }

  /** Finishes the hash and returns the 32-byte digest; the hasher is spent afterwards. */
  digest(): Uint8Array<ArrayBuffer> {
    const handle = this.#live();
    const k = this.#kernel;
    k.exports.finish(handle, k.inputPtr);
    const out = memoryView(k).slice(k.inputPtr, k.inputPtr + SHA256_BYTES);
    this.#handle = 0;
    k.registry.unregister(this);
    k.exports.release(handle);
    return out;
  }
}

/** The SHA-256 digest of `data`, computed in WebAssembly. */
export function wasmSha256(data: Uint8Array): Uint8Array<ArrayBuffer> {
  return new WasmSha256().update(data).digest();
}
