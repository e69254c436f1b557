/**
 * stevedore for edge runtimes (Cloudflare Workers / workerd, Deno Deploy, and any runtime
 * with `fetch` and Web Streams but no file system): an in-memory runtime that pulls and
 * pushes images, reads files straight from an image's layers, and serves its store as an
 * OCI distribution endpoint (`/v2/`). Nothing here needs a `node:` module. Where the host
 * forbids compiling WebAssembly from bytes (workerd), hand it the kernels as modules with
 * {@linkcode provideKernelModules}; without them, plain TypeScript and
 * `DecompressionStream` stand in.
 *
 * @example
 * ```ts ignore
 * import {
 *   distributionApp,
 *   MemoryFileSystem,
 *   openMemoryRuntime,
 *   readImageFile,
 *   runtimeParts,
 *   StoreRegistryStorage,
 * } from "./mod.ts";
 *
 * const fs = new MemoryFileSystem();
 * const runtime = await openMemoryRuntime({ fs });
 * const [image] = await runtime.pull("docker.io/library/alpine:3");
 * const { store } = runtimeParts(runtime);
 * const release = await readImageFile(store, image, "/etc/os-release");
 * const registry = distributionApp(new StoreRegistryStorage(store, { fs }));
 * ```
 *
 * @module
 */
export {
  MEMORY_STORE_ROOT,
  type MemoryRuntimeOptions,
  openMemoryRuntime,
} from "../runtime/memory_runtime.ts";
export { runtimeParts } from "../runtime/runtime.ts";
// A runtime and every type its API reaches, since this entry hands out runtimes.
export type * from "../runtime/mod.ts";
export { parseNormalizedName, type Reference } from "../reference/mod.ts";
export { MemoryFileSystem } from "../fs/memory_fs.ts";
export { type KernelName, provideKernelModules } from "../wasm/kernel_modules.ts";
export { type KernelReport, kernelReport } from "./kernels.ts";
export { readImageFile, type ReadImageFileOptions } from "./read_image_file.ts";
export {
  distributionApp,
  type DistributionOptions,
  type RegistryStorage,
  type StoredManifest,
  type UploadSession,
} from "../server/distribution/mod.ts";
export type { WebApp } from "../server/web_app.ts";
export { StoreRegistryStorage, type StoreRegistryStorageOptions } from "../server/store_storage.ts";
