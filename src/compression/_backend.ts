/**
 * Which implementation a compression stream uses.
 *
 * @module
 */

import { kernelPreference } from "../wasm/_kernel_choice.ts";
import type { CompressionBackend } from "./compression_backend.ts";

export type { CompressionBackend };

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
