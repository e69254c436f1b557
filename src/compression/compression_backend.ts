/**
 * The choice of implementation a compression stream accepts.
 *
 * @module
 */

/**
 * Which implementation to use: `"wasm"` (portable: stevedore's WebAssembly kernel or a
 * pure-JavaScript codec), `"native"` (the runtime's `node:zlib`), or `"auto"` (the one
 * measured fastest, unless `STEVEDORE_KERNELS` forces one).
 */
export type CompressionBackend = "auto" | "wasm" | "native";
