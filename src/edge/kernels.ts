/**
 * Which implementation hashes and inflates on this runtime, as the automatic choice makes
 * it: for checking that a Worker got its WebAssembly kernels.
 *
 * @module
 */
import { autoInflateBackend } from "../compression/gunzip.ts";
import { nativeZlib, resolveBackend } from "../compression/_backend.ts";
import { createHasher } from "../digest/mod.ts";
import { wasmInflateAvailable } from "../wasm/inflate.ts";

/** The implementations in use. */
export interface KernelReport {
  /** SHA-256: `native` (`node:crypto`), `wasm` (the kernel), or `portable` (TypeScript). */
  sha256: "native" | "wasm" | "portable";
  /** gzip decoding: `native` (`node:zlib`), `wasm` (the kernel) or `portable` (`DecompressionStream`). */
  inflate: "native" | "wasm" | "portable";
}

/**
 * Reports the automatic choices of this runtime.
 *
 * @example
 * ```ts
 * import { kernelReport } from "./kernels.ts";
 * console.log(kernelReport()); // e.g. { sha256: "native", inflate: "wasm" }
 * ```
 */
export function kernelReport(): KernelReport {
  const sha256 = createHasher().backend;
  const inflate = resolveBackend(undefined, autoInflateBackend()) === "native" &&
      nativeZlib() !== undefined
    ? "native"
    : wasmInflateAvailable()
    ? "wasm"
    : "portable";
  return { sha256, inflate };
}
