/**
 * The image runtime: {@linkcode Runtime} opens a store with its configuration and offers
 * pull, lookup, list, tag, untag and remove, save, load, import, push and search, with
 * image events delivered after each operation. Each operation is a function over an
 * `OperationContext` (`context.ts`) in its own file; `Runtime` wires them together, and
 * only `Runtime` and its options and results are exported: the functions are not a second
 * API.
 *
 * @example
 * ```ts ignore
 * import { Runtime } from "./mod.ts";
 * const runtime = await Runtime.open({ root: "/tmp/stevedore-store" });
 * const [image] = await runtime.pull("docker.io/library/alpine:latest", { policy: "newer" });
 * console.log(image.id, await runtime.exists("alpine"));
 * ```
 *
 * @module
 */
export { Runtime, type RuntimeOptions } from "./runtime.ts";
export type { ContainerInfo, LookupOptions, LookupResult } from "../lookup/types.ts";
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
export type { ImageSearchResult, SearchOptions } from "./search.ts";
export type { PullPolicy } from "../policy/mod.ts";
export type { ImageRecord } from "../store/types.ts";
export type { CreatedSignature, ImageSigner } from "../signature/image_signer.ts";
export type { SigstoreAttachment } from "../signature/sigstore_attachments.ts";
