/**
 * The leaf types of stevedore: media types and their predicates, descriptors, platforms,
 * manifests, indexes and image configurations. Imports nothing else of stevedore.
 *
 * @example
 * ```ts
 * import { isManifestListType, MediaType } from "./mod.ts";
 * console.log(isManifestListType(MediaType.DockerManifestList)); // true
 * ```
 *
 * @module
 */
export {
  Annotation,
  type ImageManifestMediaType,
  type IndexMediaType,
  type KnownMediaType,
  type LayerCompression,
  type ManifestMediaType,
  MediaType,
  type Schema1MediaType,
} from "./media_types.ts";
export {
  baseMediaType,
  convertLayerMediaType,
  isConfigType,
  isDockerLayerType,
  isDockerType,
  isImageManifestType,
  isLayerType,
  isManifestListType,
  isManifestType,
  isNondistributableLayerType,
  isOciLayerType,
  isOciType,
  isSchema1Type,
  layerCompression,
  layerMediaType,
} from "./media_type_predicates.ts";
export {
  type Descriptor,
  EMPTY_DESCRIPTOR,
  EMPTY_JSON_DIGEST,
  type Platform,
} from "./descriptor.ts";
export type {
  ImageIndex,
  ImageManifest,
  Schema1FsLayer,
  Schema1History,
  Schema1Manifest,
  Schema1Signature,
} from "./manifest.ts";
export type {
  ContainerConfig,
  HealthConfig,
  HistoryEntry,
  ImageConfig,
  RootFs,
} from "./image_config.ts";
export type { SourceVerification, VerifiedSignatureInfo } from "./verification.ts";
