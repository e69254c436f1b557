/**
 * stevedore: container image management for Deno, Node and Bun.
 *
 * It pulls, pushes, stores, looks up, lists, removes, tags and copies OCI and Docker
 * images, resolves short names, applies pull policies and picks the right platform out of
 * multi-arch images: containers/common `libimage` as a TypeScript module. Hashing and
 * gunzip run in WebAssembly kernels of our own where no faster native path exists.
 *
 * @example
 * ```ts
 * import { computeDigest, parseNormalizedName } from "./mod.ts";
 *
 * console.log(parseNormalizedName("alpine:3").toString()); // "docker.io/library/alpine:3"
 * const digest = await computeDigest(new TextEncoder().encode("hello"));
 * console.log(digest.toString()); // "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
 * ```
 *
 * @module
 */
export * from "./src/errors.ts";
export * from "./src/fs/mod.ts";
export * from "./src/digest/mod.ts";
export * from "./src/compression/mod.ts";
export * from "./src/types/mod.ts";
export * from "./src/reference/mod.ts";
export * from "./src/platform/mod.ts";
export * from "./src/manifest/mod.ts";
export * from "./src/config/mod.ts";
export * from "./src/registry/mod.ts";
export * from "./src/transports/mod.ts";
export * from "./src/copy/mod.ts";
export * from "./src/store/mod.ts";
export * from "./src/events/mod.ts";
export * from "./src/policy/mod.ts";
export * from "./src/lookup/mod.ts";
export * from "./src/runtime/mod.ts";
export * from "./src/server/distribution/mod.ts";
