/**
 * Local image lookup: {@linkcode lookupImage} resolves a name, ID, ID prefix or digest
 * against the store with libimage's rules (short-name candidates, `localhost/`, fuzzy
 * repository matches, manifest lists resolved to their local instance, platform checks
 * only for explicitly requested platforms).
 *
 * @example
 * ```ts ignore
 * import { lookupImage } from "./mod.ts";
 * const { image, resolvedName } = await lookupImage(store, conf, "alpine", {}, {});
 * console.log(image.id, resolvedName); // "…", "docker.io/library/alpine:latest"
 * ```
 *
 * @module
 */
export { CONTAINERS_STORAGE_TRANSPORT, type LookupDefaults, lookupImage } from "./lookup_image.ts";
export type { ContainerInfo, LookupOptions, LookupResult } from "./types.ts";
