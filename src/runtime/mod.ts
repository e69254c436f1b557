/**
 * The image runtime: {@linkcode Runtime} opens a store with its configuration and offers
 * pull, lookup, list, tag, untag and remove, save, load, import, push and search, with
 * image events delivered after each operation. The operations are also exported as functions over a
 * {@linkcode RuntimeContext}.
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
export type { ContainerInfo, LookupOptions, LookupResult, RuntimeContext } from "./context.ts";
export { pull, type PullContext, type PullCredentials, type PullOptions } from "./pull.ts";
export { type ImageSummary, listImages, type ListImagesOptions } from "./list_images.ts";
export {
  removeImages,
  type RemoveImagesOptions,
  type RemoveImagesResult,
  type RemoveReport,
} from "./remove_images.ts";
export { tag, untag } from "./tag.ts";
export { diskUsage, type DiskUsageResult, type DiskUsageRow } from "./disk_usage.ts";
export { history, type HistoryRow } from "./history.ts";
export {
  type ImageData,
  inspect,
  type InspectOptions,
  inspectRecord,
  type InspectSignature,
} from "./inspect.ts";
export { prune, type PruneOptions, type PruneResult } from "./prune.ts";
export { tree, type TreeOptions } from "./tree.ts";
export {
  type AnnotateInstanceOptions,
  createManifestList,
  type ImageListSelection,
  type LookupInstanceOptions,
  lookupManifestList,
  ManifestList,
  type ManifestListAddOptions,
  type ManifestListData,
  type ManifestListPushOptions,
  type RegistryAccessOptions,
} from "./manifest_list.ts";
export { unpack, type UnpackOptions, type UnpackResult } from "./unpack.ts";
export { save, type SaveFormat, type SaveOptions } from "./save.ts";
export { load, type LoadOptions } from "./load.ts";
export { importImage, type ImportOptions } from "./import_image.ts";
export { push, type PushOptions } from "./push.ts";
export {
  type ImageSearchResult,
  parseSearchFilters,
  search,
  type SearchOptions,
} from "./search.ts";
