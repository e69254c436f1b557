/**
 * Which implementation a compression stream uses.
 *
 * @module
 */

import { kernelPreference } from "../wasm/_kernel_choice.ts";

/**
 * Which implementation to use: `"wasm"` (portable: stevedore's WebAssembly kernel or a
 * pure-JavaScript codec), `"native"` (the runtime's `node:zlib`), or `"auto"` (the one
 * measured fastest, unless `STEVEDORE_KERNELS` forces one).
 */
export type CompressionBackend = "auto" | "wasm" | "native";

/** Resolves `requested`: an explicit choice wins, then `STEVEDORE_KERNELS`, then `measured`. */
export function resolveBackend(
  requested: CompressionBackend | undefined,
  measured: "wasm" | "native",
): "wasm" | "native" {
  if (requested === "wasm" || requested === "native") return requested;
  if (requested !== undefined && requested !== "auto") {
    throw new TypeError(`Cannot use compression backend "${requested}": unknown backend`);
  }
  const preference = kernelPreference();
  return preference === "auto" ? measured : preference;
}
