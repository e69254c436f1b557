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
import type { ImageStore } from "../../store/types.ts";
import type { Transport } from "../types.ts";
import {
  ContainersStorageReference,
  type ContainersStorageReferenceOptions,
  parseStorageTarget,
} from "./reference.ts";

/** The name of the local store's transport: `containers-storage:NAME` or `:@ID`. */
export const CONTAINERS_STORAGE_TRANSPORT = "containers-storage";

/** The `containers-storage` transport over one store. */
export interface ContainersStorageTransport extends Transport {
  /** The store images are read from and written to. */
  readonly store: ImageStore;
  /** Parses `NAME`, `@ID` or `sha256:ID` into a reference. */
  parse(
    withinTransport: string,
    options?: ContainersStorageReferenceOptions,
  ): ContainersStorageReference;
}

/** Builds the `containers-storage` transport over `store`. */
export function containersStorageTransport(store: ImageStore): ContainersStorageTransport {
  const transport: ContainersStorageTransport = {
    name: CONTAINERS_STORAGE_TRANSPORT,
    store,
    parse(withinTransport, options) {
      return new ContainersStorageReference(
        transport,
        store,
        parseStorageTarget(withinTransport),
        options,
      );
    },
  };
  return transport;
}

export {
  ContainersStorageReference,
  type ContainersStorageReferenceOptions,
  parseStorageTarget,
  type StorageTarget,
} from "./reference.ts";
export {
  ContainersStorageSource,
  openContainersStorageSource,
  resolveStorageRecord,
} from "./source.ts";
export { ContainersStorageDestination, STORAGE_MANIFEST_TYPES } from "./destination.ts";
