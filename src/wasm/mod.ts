/**
 * The WebAssembly kernels, loaded synchronously from bytes embedded at build time
 * (`wasm/build.mjs`), or from modules the host provides ({@linkcode provideKernelModules},
 * where compiling bytes is not allowed), each wrapped in a typed class or function;
 * nothing else in stevedore touches `WebAssembly`.
 *
 * @example
 * ```ts
 * import { WasmSha256, wasmCrc32 } from "./mod.ts";
 *
 * const bytes = new TextEncoder().encode("abc");
 * const hash = new WasmSha256().update(bytes).digest(); // 32 bytes
 * const crc = wasmCrc32(bytes); // 0x352441c2
 * ```
 *
 * @module
 */

export { SHA256_BYTES, WasmSha256, wasmSha256, wasmSha256Available } from "./sha256.ts";
export { type KernelName, provideKernelModules } from "./kernel_modules.ts";
export { wasmInflateAvailable } from "./inflate.ts";
export { WasmCrc32, wasmCrc32 } from "./crc32.ts";
export { type KernelPreference, kernelPreference, preferWasm } from "./_kernel_choice.ts";
