/**
 * Which implementation a compression stream uses.
 *
 * @module
 */

import { nodeBuiltin } from "../host/node_builtin.ts";
import { kernelPreference, preferWasm } from "../wasm/_kernel_choice.ts";
import type { HostCrc32 } from "../wasm/inflate.ts";
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

/**
 * The CRC-32 the WASM inflater uses for gzip output: the runtime's `node:zlib` `crc32`
 * (Node 20.15+, Deno, Bun; measured 4.7 GB/s on Node, 20-24 GB/s on Deno and Bun, against
 * 2 GB/s in WebAssembly, bench/kernels_gzip.ts), or `undefined` (the kernel's own) where
 * the runtime has none or `STEVEDORE_KERNELS=wasm` asks for WebAssembly.
 */
export function hostCrc32(): HostCrc32 | undefined {
  if (preferWasm()) return undefined;
  const crc32 = nativeZlib()?.crc32;
  return typeof crc32 === "function" ? crc32 : undefined;
}
