/**
 * Manifests, indexes and configs: parsing and validating them from the bytes received,
 * converting between OCI and Docker schema 2 (and from schema 1), editing manifest lists
 * and serializing what stevedore builds.
 *
 * @example
 * ```ts
 * import { addInstance, createIndex, parseManifest, serializeIndex } from "./mod.ts";
 * const list = addInstance(createIndex(), {
 *   mediaType: "application/vnd.docker.distribution.manifest.v2+json",
 *   digest: "sha256:" + "a".repeat(64),
 *   size: 528,
 *   platform: { os: "linux", architecture: "amd64" },
 * });
 * const bytes = serializeIndex(list);
 * console.log(parseManifest(bytes).kind); // "index"
 * ```
 *
 * @module
 */
export {
  MAX_MANIFEST_SIZE,
  type ParsedImageManifest,
  type ParsedIndex,
  type ParsedManifest,
  type ParsedSchema1,
  parseImageManifest,
  parseIndex,
  parseManifest,
  type ParseManifestOptions,
} from "./parse_manifest.ts";
export {
  detectManifestMediaType,
  guessManifestMediaType,
  type ManifestKind,
  manifestKindOf,
} from "./detect_media_type.ts";
export {
  configDiffIds,
  MAX_CONFIG_SIZE,
  type ParsedImageConfig,
  parseImageConfig,
  type ParseImageConfigOptions,
} from "./parse_config.ts";
export {
  convertIndex,
  type ConvertIndexOptions,
  convertManifest,
  type ConvertOptions,
  imageManifestMediaType,
} from "./convert_manifest.ts";
export {
  type ConvertedImage,
  schema1DigestPayload,
  schema1LayerDigests,
  type Schema1LayerInfo,
  schema1ToImage,
  type Schema1ToImageOptions,
} from "./schema1.ts";
export {
  addInstance,
  annotateInstance,
  createIndex,
  findInstance,
  type InstanceChanges,
  removeInstance,
  type SetAnnotationsOptions,
  setIndexAnnotations,
  setIndexArtifactType,
  setIndexSubject,
} from "./index_edit.ts";
export { encodeCompactJson, serializeIndex, serializeManifest } from "./serialize.ts";
// The types of lower layers that this module's API names, so that this entry documents them.
export { MediaType } from "../types/mod.ts";
export type {
  ContainerConfig,
  Descriptor,
  HealthConfig,
  HistoryEntry,
  ImageConfig,
  ImageIndex,
  ImageManifest,
  ImageManifestMediaType,
  IndexMediaType,
  LayerCompression,
  ManifestMediaType,
  Platform,
  RootFs,
  Schema1FsLayer,
  Schema1History,
  Schema1Manifest,
  Schema1MediaType,
  Schema1Signature,
} from "../types/mod.ts";
