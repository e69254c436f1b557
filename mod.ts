/**
 * stevedore: container image management for Deno, Node and Bun.
 *
 * It pulls, pushes, stores, looks up, lists, removes, tags, saves, loads and copies OCI and
 * Docker images, resolves short names, applies pull policies and picks the right platform
 * out of multi-arch images: containers/common `libimage` as a TypeScript module.
 *
 * This root module is the whole everyday API: {@linkcode Runtime} (one local store and its
 * operations), {@linkcode copyImage} (any transport to any other), reference parsing, the
 * image events and the error classes. The lower layers are subpath exports of their own:
 * `/registry` (the OCI distribution client), `/transports`, `/store`, `/digest`,
 * `/compression`, `/manifest`, `/types`, `/platform`, `/reference`, `/config`, `/fs` and
 * `/server` (the HTTP server).
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

// The runtime: one store, its configuration and its operations.
export { Runtime, type RuntimeOptions } from "./src/runtime/runtime.ts";
export type { ContainerInfo, LookupOptions, LookupResult } from "./src/lookup/types.ts";
export type {
  CredentialOptions,
  PullCredentials,
  PullOptions,
} from "./src/runtime/pull_options.ts";
export type { ImageSummary, ListImagesOptions } from "./src/runtime/list_images.ts";
export type {
  RemoveImagesOptions,
  RemoveImagesResult,
  RemoveReport,
} from "./src/runtime/remove_images.ts";
export type { DiskUsageResult, DiskUsageRow } from "./src/runtime/disk_usage.ts";
export type { HistoryRow } from "./src/runtime/history.ts";
export type { ImageData, InspectOptions, InspectRootFs } from "./src/runtime/inspect.ts";
export type { PruneOptions } from "./src/runtime/prune.ts";
export type { TreeOptions } from "./src/runtime/tree.ts";
export type {
  AnnotateInstanceOptions,
  ImageListSelection,
  LookupInstanceOptions,
  ManifestList,
  ManifestListAddOptions,
  ManifestListData,
  ManifestListPushOptions,
  RegistryAccessOptions,
} from "./src/runtime/manifest_list.ts";
export type { UnpackOptions, UnpackResult } from "./src/runtime/unpack.ts";
export type { SaveFormat, SaveOptions } from "./src/runtime/save.ts";
export type { LoadOptions } from "./src/runtime/load.ts";
export type { ImportOptions } from "./src/runtime/import_image.ts";
export type { PushOptions } from "./src/runtime/push.ts";
export type { ImageSearchResult, SearchOptions } from "./src/runtime/search.ts";
export type { PullPolicy } from "./src/policy/mod.ts";
export type { ImageRecord } from "./src/store/types.ts";

// Copying between transports.
export { copyImage } from "./src/copy/copy_image.ts";
export type {
  CopiedInstance,
  CopyCompressionFormat,
  CopyOptions,
  CopyProgressEvent,
  CopyProgressKind,
  CopyResult,
} from "./src/copy/copy_options.ts";

// Image references.
export type { Reference } from "./src/reference/reference.ts";
export { parseNormalizedName } from "./src/reference/parse_reference.ts";
export { normalizeName } from "./src/reference/normalize_name.ts";

// Events and errors.
export type { ImageEvent, ImageEventType } from "./src/events/event.ts";
export * from "./src/errors.ts";
