/**
 * The `containers-storage:` transport: images of the local store, addressed as
 * `containers-storage:NAME` (a full or short image name) or `containers-storage:@ID`.
 * The transport is built over one store with {@linkcode containersStorageTransport}.
 *
 * @example
 * ```ts
 * import { containersStorageTransport } from "./mod.ts";
 * import { openStore } from "../../store/mod.ts";
 * import { MemoryFileSystem } from "../../fs/mod.ts";
 * const store = await openStore({ root: "/store", fs: new MemoryFileSystem() });
 * const transport = containersStorageTransport(store);
 * console.log(transport.parse("alpine").toString());
 * // "containers-storage:docker.io/library/alpine:latest"
 * ```
 *
 * @module
 */
export {
  CONTAINERS_STORAGE_TRANSPORT,
  ContainersStorageReference,
  type ContainersStorageReferenceOptions,
  type ContainersStorageTransport,
  containersStorageTransport,
  parseStorageTarget,
  type StorageTarget,
} from "./reference.ts";
export {
  ContainersStorageSource,
  openContainersStorageSource,
  resolveStorageRecord,
} from "./source.ts";
export { ContainersStorageDestination, STORAGE_MANIFEST_TYPES } from "./destination.ts";
