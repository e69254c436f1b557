/**
 * Transports: where images live. One folder a transport (`docker`, `oci`, `oci_archive`,
 * `docker_archive`, `dir`, `containers_storage`), each with the same file names, and one
 * prefix table that turns `transport:rest` strings into references.
 *
 * @example
 * ```ts
 * import { parseImageReference } from "./mod.ts";
 * const reference = parseImageReference("oci:/tmp/layout:app");
 * console.log(reference?.transport.name); // "oci"
 * ```
 *
 * @module
 */
export type {
  BlobInfo,
  BlobWriteOptions,
  ImageDestination,
  ImageReference,
  ImageSource,
  LayerCompressionName,
  LayerCompressionWish,
  ManifestBytes,
  Transport,
  TransportContext,
} from "./types.ts";
export { parseImageReference, standardTransports, TransportTable } from "./transport_table.ts";
export {
  BlobLocations,
  createDockerTransport,
  DockerImageDestination,
  DockerImageReference,
  DockerImageSource,
  dockerTransport,
} from "./docker/mod.ts";
export type { DockerTransport, DockerTransportOptions } from "./docker/mod.ts";
export { ociTransport } from "./oci/mod.ts";
export { ociArchiveTransport } from "./oci_archive/mod.ts";
export { dockerArchiveTransport, DockerArchiveWriter } from "./docker_archive/mod.ts";
export {
  DirReference,
  type DirReferenceOptions,
  dirTransport,
  parseDirReference,
} from "./dir/mod.ts";
export {
  CONTAINERS_STORAGE_TRANSPORT,
  ContainersStorageReference,
  type ContainersStorageReferenceOptions,
  type ContainersStorageTransport,
  containersStorageTransport,
  type StorageTarget,
} from "./containers_storage/mod.ts";
export { dockerDaemonTransport } from "./docker_daemon/mod.ts";
