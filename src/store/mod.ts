/**
 * The local image store: image records (ID, names, digests, layers, platform, times) and
 * content-addressed blobs on a {@linkcode FileSystem}, written atomically under a
 * cross-process lock that a killed process cannot leave held. The store folder is also a
 * valid OCI image layout (`oci:ROOT:docker.io/library/alpine:latest` works in skopeo).
 *
 * @example
 * ```ts
 * import { openStore } from "./mod.ts";
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * const store = await openStore({ root: "/store", fs: new MemoryFileSystem() });
 * console.log((await store.images()).length); // 0
 * ```
 *
 * @module
 */
export type {
  BlobLeaseHandle,
  BlobTap,
  GcOptions,
  ImageRecord,
  ImageStore,
  NamesChange,
  NewImage,
  StoredImageManifest,
  StoreLeftover,
  StoreProblem,
  StorePutBlobOptions,
} from "./types.ts";
export { imageManifests, manifestByDigest, manifestOfName } from "./image_manifests.ts";
export {
  type LayerFacts,
  type LayerProbe,
  layerProbe,
  probeStoredLayer,
  sniffStoredBlob,
} from "./layer_probe.ts";
export { LocalImageStore, openStore, type OpenStoreOptions } from "./local_image_store.ts";
export {
  hasLayoutBlob,
  layoutBlobPath,
  OCI_LAYOUT_CONTENT,
  writeLayoutBlob,
  type WriteLayoutBlobOptions,
  writeLayoutMarker,
} from "./oci_layout.ts";
// The types of lower layers that this module's API names, so that this entry documents them.
export type { FileInfo, FileSystem, WriteFileOptions } from "../fs/mod.ts";
export type { CompressionKind } from "../compression/mod.ts";
export type { Platform, SourceVerification, VerifiedSignatureInfo } from "../types/mod.ts";
