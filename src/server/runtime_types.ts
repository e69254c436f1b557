/**
 * A {@linkcode Runtime} and every type its API reaches, from every layer: the entries that
 * take or hand out a runtime (the server, the edge entry) re-export this module, so that
 * their documentation covers each type their API names.
 *
 * @module
 */
export type {
  AnnotateInstanceOptions,
  CredentialOptions,
  DiskUsageResult,
  DiskUsageRow,
  HistoryRow,
  ImageData,
  ImageSearchResult,
  ImageSummary,
  ImportOptions,
  InspectOptions,
  InspectSignature,
  ListImagesOptions,
  LoadOptions,
  LookupInstanceOptions,
  ManifestList,
  ManifestListAddOptions,
  ManifestListData,
  ManifestListPushOptions,
  PruneOptions,
  PruneResult,
  PullCredentials,
  PullOptions,
  PushOptions,
  RegistryAccessOptions,
  RegistryTimeoutOptions,
  RemoveImagesOptions,
  RemoveImagesResult,
  RemoveReport,
  Runtime,
  RuntimeOptions,
  SaveFormat,
  SaveOptions,
  SearchOptions,
  TreeOptions,
  UnpackOptions,
  UnpackResult,
} from "../runtime/mod.ts";
export type {
  AliasEntry,
  CredentialHelperAction,
  CredentialHelperRunner,
  Credentials,
  MirrorConfig,
  PullFromMirror,
  RegistriesConf,
  RegistryConfig,
  ShortNameMode,
} from "../config/mod.ts";
export type { CopyCompressionFormat, CopyProgressEvent } from "../copy/mod.ts";
export type { ImageEvent, ImageEventType } from "../events/mod.ts";
export type {
  FileInfo,
  FileSystem,
  RootfsEntryInfo,
  RootfsWriter,
  WriteFileOptions,
} from "../fs/mod.ts";
export type { ContainerInfo, LookupOptions, LookupResult } from "../lookup/mod.ts";
export type { PlatformChoice } from "../platform/mod.ts";
export type { PullPolicy } from "../policy/mod.ts";
export type { Reference } from "../reference/mod.ts";
export type { FetchLike } from "../registry/mod.ts";
export type { CreatedSignature, ImageSigner, SigstoreAttachment } from "../signature/mod.ts";
export type {
  BlobLeaseHandle,
  ImageRecord,
  ImageStore,
  NamesChange,
  NewImage,
  StoredImageManifest,
  StoreLeftover,
  StoreProblem,
  StorePutBlobOptions,
} from "../store/mod.ts";
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
} from "../transports/mod.ts";
export type {
  ContainerConfig,
  Descriptor,
  HealthConfig,
  HistoryEntry,
  Platform,
  SourceVerification,
  VerifiedSignatureInfo,
} from "../types/mod.ts";
