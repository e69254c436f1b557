/**
 * stevedore: container image management for Deno, Node and Bun.
 *
 * It pulls, pushes, stores, looks up, lists, removes, tags, saves, loads and copies OCI and
 * Docker images, resolves short names, applies pull policies and picks the right platform
 * out of multi-arch images: containers/common `libimage` as a TypeScript module.
 *
 * This root module is the everyday API: {@linkcode Runtime} (one local store and its
 * operations) with its options and results, {@linkcode copyImage} (any transport to any
 * other), reference parsing, the image events, the base error class with every
 * {@linkcode ErrorCode}, the errors programs most often catch, and the data types those
 * name. Nothing here names a seam (a file system, a store, a transport): those, and the
 * lower layers, are subpath exports of their own: `/runtime` (opening a runtime on your
 * own parts, and reaching the parts of an open one), `/copy` (copies between references
 * of any transport), `/errors` (every error class), `/registry` (the OCI distribution
 * client), `/transports`, `/store`, `/digest`, `/compression`, `/manifest`, `/types`,
 * `/platform`, `/reference`, `/config`, `/fs`, `/edge` and `/server` (the HTTP server).
 *
 * @example Parse and normalize an image name
 * ```ts
 * import { normalizeName, parseNormalizedName } from "./mod.ts";
 *
 * console.log(parseNormalizedName("alpine:3").toString()); // "docker.io/library/alpine:3"
 * console.log(normalizeName("my/app").toString()); // "localhost/my/app:latest"
 * ```
 *
 * @example Open a store and look for an image
 * ```ts
 * import { ImageNotFoundError, Runtime } from "./mod.ts";
 *
 * const root = await Deno.makeTempDir();
 * const runtime = await Runtime.open({ root });
 * console.log(await runtime.exists("alpine")); // false
 * try {
 *   await runtime.lookupImage("alpine");
 * } catch (error) {
 *   if (!(error instanceof ImageNotFoundError)) throw error;
 *   console.log(error.code); // "ImageNotFound"
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 *
 * @module
 */

// The runtime: one store, its configuration and its operations, with their options and
// results.
export {
  type AnnotateInstanceOptions,
  type ContainerInfo,
  type CreatedSignature,
  type CredentialOptions,
  type DiskUsageResult,
  type DiskUsageRow,
  type HistoryRow,
  type ImageCopyOptions,
  type ImageData,
  type ImageRecord,
  type ImageSearchResult,
  type ImageSigner,
  type ImageSummary,
  type ImportOptions,
  type InspectOptions,
  type InspectSignature,
  type ListImagesOptions,
  type LoadOptions,
  type LookupInstanceOptions,
  type LookupOptions,
  type LookupResult,
  type ManifestList,
  type ManifestListAddOptions,
  type ManifestListData,
  type ManifestListPushOptions,
  type PruneOptions,
  type PruneResult,
  type PullOptions,
  type PullPolicy,
  type PushOptions,
  type RegistryAccessOptions,
  type RegistryTimeoutOptions,
  type RemoveImagesOptions,
  type RemoveImagesResult,
  type RemoveReport,
  Runtime,
  type RuntimeOptions,
  type SaveFormat,
  type SaveOptions,
  type SearchOptions,
  type SigstoreAttachment,
  type TreeOptions,
  type UnpackOptions,
  type UnpackResult,
} from "./src/runtime/mod.ts";

// Copying between transports.
export {
  type CopiedInstance,
  type CopyCompressionFormat,
  copyImage,
  type CopyOptions,
  type CopyProgressEvent,
  type CopyResult,
} from "./src/copy/mod.ts";

// Image references.
export type { Reference } from "./src/reference/reference.ts";
export { parseNormalizedName } from "./src/reference/parse_reference.ts";
export { normalizeName } from "./src/reference/normalize_name.ts";

// Events.
export type { ImageEvent, ImageEventType } from "./src/events/event.ts";

// Errors: the base class and its codes, and the errors programs most often catch (every
// class is in `/errors`).
export {
  type ErrorCode,
  ImageNotFoundError,
  ImageRejectedError,
  InvalidReferenceError,
  type InvalidReferenceReason,
  ManifestUnknownError,
  RegistryError,
  StevedoreError,
  type StevedoreErrorOptions,
  TooLargeError,
  UnauthorizedError,
} from "./src/errors.ts";

// The data the types above name: platforms, descriptors, image configuration, credentials,
// what a store records, manifests as bytes, and the writer an unpack may be given.
export type {
  ContainerConfig,
  Descriptor,
  HealthConfig,
  HistoryEntry,
  Platform,
} from "./src/types/mod.ts";
export type { SourceVerification, VerifiedSignatureInfo } from "./src/types/mod.ts";
export type { PlatformChoice } from "./src/platform/mod.ts";
export type { Credentials } from "./src/config/mod.ts";
export type { StoredImageManifest, StoreLeftover } from "./src/store/types.ts";
export type { ManifestBytes } from "./src/transports/types.ts";
export type { RootfsEntryInfo, RootfsWriter } from "./src/fs/rootfs_writer.ts";
