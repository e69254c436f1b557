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
  ArchiveFiles,
  BlobFile,
  BlobInfo,
  BlobWriteOptions,
  ExtractedPayload,
  ImageDestination,
  ImageReference,
  ImageSource,
  LayerCompressionName,
  LayerCompressionWish,
  ListedImage,
  ListPayloadOptions,
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
// The types of lower layers that this module's API names, so that this entry documents them.
export type { FileInfo, FileSystem, WriteFileOptions } from "../fs/mod.ts";
export type { Reference } from "../reference/mod.ts";
export type {
  CallOptions,
  Credentials,
  CredentialsSource,
  FetchedManifest,
  FetchLike,
  GetBlobOptions,
  GetManifestOptions,
  ListOptions,
  ManifestDescriptor,
  MountResult,
  PutBlobOptions,
  RegistryClient,
  RegistryClientOptions,
  RegistryEndpoint,
  RegistryTls,
  RegistryTlsSource,
  RepoPrefixRewrite,
  RetryOptions,
  SearchResult,
} from "../registry/mod.ts";
export type {
  BlobLeaseHandle,
  BlobTap,
  ImageRecord,
  ImageStore,
  NamesChange,
  NewImage,
  StoredImageManifest,
  StoreLeftover,
  StoreProblem,
  StorePutBlobOptions,
} from "../store/mod.ts";
export type { Platform, SourceVerification, VerifiedSignatureInfo } from "../types/mod.ts";
