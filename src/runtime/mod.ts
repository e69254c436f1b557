/**
 * The image runtime: {@linkcode Runtime} opens a store with its configuration and offers
 * pull, lookup, list, tag, untag and remove, save, load, import, push and search, with
 * image events delivered after each operation. Each operation is a function over an
 * `OperationContext` (`context.ts`) in its own file; `Runtime` wires them together, and
 * the functions are not exported: they are not a second API.
 *
 * {@linkcode Runtime} and its options and results are also the package root's; this entry
 * adds the seams: {@linkcode openRuntime} opens a runtime on parts the host supplies (a
 * file system, a store, a `fetch`, more transports) and {@linkcode runtimeParts} reaches
 * the parts of an open one.
 *
 * @example Pull, then look the image up
 * ```ts ignore
 * import { Runtime } from "./mod.ts";
 * const runtime = await Runtime.open({ root: "/tmp/stevedore-store" });
 * const [image] = await runtime.pull("docker.io/library/alpine:latest", { policy: "newer" });
 * console.log(image.id, await runtime.exists("alpine"));
 * ```
 *
 * @example A runtime in memory, and its store
 * ```ts
 * import { openRuntime, runtimeParts } from "./mod.ts";
 * import { MemoryFileSystem } from "../fs/mod.ts";
 *
 * const runtime = await openRuntime({ fs: new MemoryFileSystem(), root: "/store", env: {} });
 * const { store } = runtimeParts(runtime);
 * console.log((await store.images()).length); // 0
 * ```
 *
 * @module
 */
export {
  openRuntime,
  Runtime,
  type RuntimeOptions,
  type RuntimeParts,
  runtimeParts,
  type RuntimeSeams,
} from "./runtime.ts";
export type { ContainerInfo, LookupOptions, LookupResult } from "../lookup/types.ts";
export type { RegistryTls } from "../config/certs_dir.ts";
export type {
  CredentialOptions,
  PullCredentials,
  PullOptions,
  RegistryTimeoutOptions,
} from "./pull_options.ts";
export type { ImageSummary, ListImagesOptions } from "./list_images.ts";
export type { RemoveImagesOptions, RemoveImagesResult, RemoveReport } from "./remove_images.ts";
export type { DiskUsageResult, DiskUsageRow } from "./disk_usage.ts";
export type { HistoryRow } from "./history.ts";
export type { ImageData, InspectOptions, InspectSignature } from "./inspect.ts";
export type { PruneOptions, PruneResult } from "./prune.ts";
export type { TreeOptions } from "./tree.ts";
export type {
  AnnotateInstanceOptions,
  LookupInstanceOptions,
  ManifestList,
  ManifestListAddArtifactOptions,
  ManifestListAddOptions,
  ManifestListData,
  ManifestListPushOptions,
  RegistryAccessOptions,
} from "./manifest_list.ts";
export type { UnpackOptions, UnpackResult } from "./unpack.ts";
export type { SaveFormat, SaveOptions } from "./save.ts";
export type { LoadOptions } from "./load.ts";
export type { ImportOptions } from "./import_image.ts";
export type { PushOptions } from "./push.ts";
export type { CopyEndpointOptions, ImageCopyOptions } from "./copy.ts";
export type { ImageSearchResult, SearchOptions } from "./search.ts";
export type { PullPolicy } from "../policy/mod.ts";
export type { ImageRecord } from "../store/types.ts";
export type { CreatedSignature, ImageSigner } from "../signature/image_signer.ts";
export type { SigstoreAttachment } from "../signature/sigstore_attachments.ts";

// The types the API above names from other layers, so that this entry documents itself.
export type { ImageEvent, ImageEventType } from "../events/mod.ts";
export type {
  CopiedInstance,
  CopyCompressionFormat,
  CopyProgressEvent,
  CopyResult,
} from "../copy/mod.ts";
export type {
  ContainerConfig,
  Descriptor,
  HealthConfig,
  HistoryEntry,
  Platform,
  SourceVerification,
  VerifiedSignatureInfo,
} from "../types/mod.ts";
export type { PlatformChoice } from "../platform/mod.ts";
export type { CredentialHelperRunner, Credentials, RegistriesConf } from "../config/mod.ts";
export type { FetchLike } from "../registry/mod.ts";
export type { FileSystem } from "../fs/mod.ts";
export type { RootfsEntryInfo, RootfsWriter } from "../fs/rootfs_writer.ts";
export type {
  BlobLeaseHandle,
  BlobTap,
  ImageStore,
  NamesChange,
  NewImage,
  StoredImageManifest,
  StoreLeftover,
  StoreProblem,
  StorePutBlobOptions,
} from "../store/types.ts";
export type { Transport, TransportTable } from "../transports/mod.ts";
export type {
  AliasEntry,
  MirrorConfig,
  PullFromMirror,
  RegistryConfig,
  ShortNameMode,
} from "../config/registries_conf.ts";
export type { CredentialHelperAction } from "../config/credential_helper.ts";
export type { FileInfo, WriteFileOptions } from "../fs/file_system.ts";
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
  TransportContext,
} from "../transports/types.ts";
export type { Reference } from "../reference/mod.ts";
