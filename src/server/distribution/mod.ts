/**
 * The OCI distribution endpoint: `/v2/` routes written once over a
 * {@linkcode RegistryStorage}, with an in-memory storage for tests and embedded registries.
 *
 * @example
 * ```ts
 * import { distributionApp, MemoryRegistryStorage } from "./mod.ts";
 * const app = distributionApp(new MemoryRegistryStorage());
 * console.log((await app.request("/v2/")).status); // 200
 * ```
 *
 * @module
 */
export { DEFAULT_MAX_UPLOAD_BYTES, distributionApp, MAX_MANIFEST_BYTES } from "./routes.ts";
export type { DistributionOptions } from "./routes.ts";
export { MemoryRegistryStorage } from "./memory_storage.ts";
export type { RegistryStorage, StoredManifest, UploadSession } from "./storage.ts";
