/**
 * Questions about media types: is it a list, an image manifest, a layer, how is it
 * compressed.
 *
 * @module
 */
import {
  type ImageManifestMediaType,
  type IndexMediaType,
  type LayerCompression,
  type ManifestMediaType,
  MediaType,
  type Schema1MediaType,
} from "./media_types.ts";

interface LayerInfo {
  format: "oci" | "docker";
  compression: LayerCompression;
  nondistributable: boolean;
}

const LAYERS: ReadonlyMap<string, LayerInfo> = new Map<string, LayerInfo>([
  [MediaType.OciLayer, { format: "oci", compression: "none", nondistributable: false }],
  [MediaType.OciLayerGzip, { format: "oci", compression: "gzip", nondistributable: false }],
  [MediaType.OciLayerZstd, { format: "oci", compression: "zstd", nondistributable: false }],
  [MediaType.OciLayerNondistributable, {
    format: "oci",
    compression: "none",
    nondistributable: true,
  }],
  [MediaType.OciLayerNondistributableGzip, {
    format: "oci",
    compression: "gzip",
    nondistributable: true,
  }],
  [MediaType.OciLayerNondistributableZstd, {
    format: "oci",
    compression: "zstd",
    nondistributable: true,
  }],
  [MediaType.DockerLayer, { format: "docker", compression: "none", nondistributable: false }],
  [MediaType.DockerLayerGzip, { format: "docker", compression: "gzip", nondistributable: false }],
  [MediaType.DockerForeignLayer, {
    format: "docker",
    compression: "none",
    nondistributable: true,
  }],
  [MediaType.DockerForeignLayerGzip, {
    format: "docker",
    compression: "gzip",
    nondistributable: true,
  }],
]);

/**
 * The bare media type of a `Content-Type` header value: parameters dropped, lowercased,
 * trimmed.
 *
 * @example
 * ```ts
 * import { baseMediaType } from "./media_type_predicates.ts";
 * baseMediaType("application/json; charset=utf-8"); // "application/json"
 * ```
 */
export function baseMediaType(contentType: string): string {
  const semicolon = contentType.indexOf(";");
  const base = semicolon === -1 ? contentType : contentType.slice(0, semicolon);
  return base.trim().toLowerCase();
}

/** Whether `mediaType` is an OCI index or a Docker manifest list. */
export function isManifestListType(mediaType: string): mediaType is IndexMediaType {
  return mediaType === MediaType.OciIndex || mediaType === MediaType.DockerManifestList;
}

/** Whether `mediaType` is a single-image manifest in schema 2 shape (OCI or Docker). */
export function isImageManifestType(mediaType: string): mediaType is ImageManifestMediaType {
  return mediaType === MediaType.OciManifest || mediaType === MediaType.DockerManifest;
}

/** Whether `mediaType` is a Docker schema 1 manifest, signed or not. */
export function isSchema1Type(mediaType: string): mediaType is Schema1MediaType {
  return mediaType === MediaType.DockerSchema1 || mediaType === MediaType.DockerSchema1Signed;
}

/** Whether `mediaType` is any manifest document stevedore reads (image, list or schema 1). */
export function isManifestType(mediaType: string): mediaType is ManifestMediaType {
  return isImageManifestType(mediaType) || isManifestListType(mediaType) ||
    isSchema1Type(mediaType);
}

/** Whether `mediaType` is an image configuration (OCI or Docker). */
export function isConfigType(mediaType: string): boolean {
  return mediaType === MediaType.OciConfig || mediaType === MediaType.DockerConfig;
}

/** Whether `mediaType` is a known OCI or Docker layer type. */
export function isLayerType(mediaType: string): boolean {
  return LAYERS.has(mediaType);
}

/** Whether `mediaType` is a known OCI layer type. */
export function isOciLayerType(mediaType: string): boolean {
  return LAYERS.get(mediaType)?.format === "oci";
}

/** Whether `mediaType` is a known Docker layer type. */
export function isDockerLayerType(mediaType: string): boolean {
  return LAYERS.get(mediaType)?.format === "docker";
}

/**
 * Whether `mediaType` is a layer that must not be pushed to another registry (an OCI
 * non-distributable layer or a Docker foreign layer).
 */
export function isNondistributableLayerType(mediaType: string): boolean {
  return LAYERS.get(mediaType)?.nondistributable === true;
}

/** Whether `mediaType` belongs to the OCI image spec (`application/vnd.oci.`). */
export function isOciType(mediaType: string): boolean {
  return mediaType.startsWith("application/vnd.oci.");
}

/** Whether `mediaType` belongs to Docker's distribution formats (`application/vnd.docker.`). */
export function isDockerType(mediaType: string): boolean {
  return mediaType.startsWith("application/vnd.docker.");
}

/**
 * How a layer is compressed according to its media type, or `undefined` when
 * `mediaType` is not a known layer type.
 *
 * @example
 * ```ts
 * import { layerCompression } from "./media_type_predicates.ts";
 * layerCompression("application/vnd.oci.image.layer.v1.tar+zstd"); // "zstd"
 * ```
 */
export function layerCompression(mediaType: string): LayerCompression | undefined {
  return LAYERS.get(mediaType)?.compression;
}

/**
 * The layer media type of a format with a compression, or `undefined` when the format
 * cannot express it (Docker has no zstd layers).
 *
 * @example
 * ```ts
 * import { layerMediaType } from "./media_type_predicates.ts";
 * layerMediaType("docker", "gzip"); // "application/vnd.docker.image.rootfs.diff.tar.gzip"
 * layerMediaType("docker", "zstd"); // undefined
 * ```
 */
export function layerMediaType(
  format: "oci" | "docker",
  compression: LayerCompression,
  nondistributable = false,
): string | undefined {
  for (const [mediaType, info] of LAYERS) {
    if (
      info.format === format && info.compression === compression &&
      info.nondistributable === nondistributable
    ) {
      return mediaType;
    }
  }
  return undefined;
}

/**
 * The same layer in the other format: OCI to Docker or Docker to OCI, keeping compression
 * and distributability; `undefined` when the target cannot express it or `mediaType` is
 * not a known layer type.
 */
export function convertLayerMediaType(
  mediaType: string,
  format: "oci" | "docker",
): string | undefined {
  const info = LAYERS.get(mediaType);
  if (info === undefined) return undefined;
  return layerMediaType(format, info.compression, info.nondistributable);
}
