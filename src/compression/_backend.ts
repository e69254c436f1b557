/**
 * Which implementation a compression stream uses.
 *
 * @module
 */

import { nodeBuiltin } from "../host/node_builtin.ts";
import { kernelPreference } from "../wasm/_kernel_choice.ts";
import type { CompressionBackend } from "./compression_backend.ts";

export type { CompressionBackend };

/** The runtime's `node:zlib`, or `undefined` where it has none (an edge runtime). */
export function nativeZlib(): typeof import("node:zlib") | undefined {
  return nodeBuiltin("node:zlib");
}

/**
 * Resolves `requested`: an explicit choice wins, then `STEVEDORE_KERNELS`, then `measured`;
 * where the runtime has no `node:zlib`, a choice not made explicitly falls back to `wasm`.
 */
export function resolveBackend(
  requested: CompressionBackend | undefined,
  measured: "wasm" | "native",
): "wasm" | "native" {
  if (requested === "wasm" || requested === "native") return requested;
  if (requested !== undefined && requested !== "auto") {
    throw new TypeError(`Cannot use compression backend "${requested}": unknown backend`);
  }
  const preference = kernelPreference();
  const chosen = preference === "auto" ? measured : preference;
  return chosen === "native" && nativeZlib() === undefined ? "wasm" : chosen;
}

/** The runtime's `node:zlib`; throws a `TypeError` where it has none. */
export function requireZlib(): typeof import("node:zlib") {
  const zlib = nativeZlib();
  if (zlib === undefined) {
    throw new TypeError(`Cannot use compression backend "native": this runtime has no "node:zlib"`);
  }
  return zlib;
}
