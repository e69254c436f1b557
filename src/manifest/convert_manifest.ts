/**
 * Converting image manifests between OCI and Docker schema 2, and indexes between OCI
 * index and Docker manifest list.
 *
 * @module
 */
import { ManifestConversionError } from "../errors.ts";
import {
  convertLayerMediaType,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  type ImageManifestMediaType,
  type IndexMediaType,
  isImageManifestType,
  isSchema1Type,
  layerCompression,
  MediaType,
} from "../types/mod.ts";

/** Options of the conversion functions. */
export interface ConvertOptions {
  /** What the document is called in errors (a reference or digest). @default "manifest" */
  what?: string;
}

/** The media type of a manifest, detected from its config when it declares none. */
export function imageManifestMediaType(manifest: ImageManifest): ImageManifestMediaType {
  if (isImageManifestType(manifest.mediaType ?? "")) {
    return manifest.mediaType as ImageManifestMediaType;
  }
  return manifest.config.mediaType === MediaType.DockerConfig
    ? MediaType.DockerManifest
    : MediaType.OciManifest;
}

function bare(d: Descriptor, mediaType: string): Descriptor {
  const out: Descriptor = { mediaType, digest: d.digest, size: d.size };
  if (d.urls !== undefined && d.urls.length > 0) out.urls = [...d.urls];
  return out;
}

/**
 * Converts an image manifest to OCI or Docker schema 2: the manifest, config and layer
 * media types change; digests, sizes and `urls` stay (the config and layer blobs are the
 * same bytes). Converting to Docker drops annotations, and refuses artifacts (an
 * `artifactType`, or a config that is not an OCI image config), a `subject`, and layers
 * Docker cannot hold (zstd). The result is a new object; serialize it with
 * `serializeManifest`.
 *
 * @throws {ManifestConversionError} when the target cannot express the manifest.
 * @example
 * ```ts
 * import { convertManifest } from "./convert_manifest.ts";
 * const docker = convertManifest({
 *   schemaVersion: 2,
 *   mediaType: "application/vnd.oci.image.manifest.v1+json",
 *   config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: "sha256:" + "c".repeat(64), size: 10 },
 *   layers: [],
 * }, "application/vnd.docker.distribution.manifest.v2+json");
 * console.log(docker.config.mediaType); // "application/vnd.docker.container.image.v1+json"
 * ```
 */
export function convertManifest(
  manifest: ImageManifest,
  to: ImageManifestMediaType,
  options: ConvertOptions = {},
): ImageManifest {
  const what = options.what ?? "manifest";
  const from = imageManifestMediaType(manifest);
  if (!isImageManifestType(to)) {
    throw new ManifestConversionError(what, to, "not an image manifest media type");
  }
  if (from === to) return structuredClone({ ...manifest, mediaType: to });
  const reject = (detail: string): never => {
    throw new ManifestConversionError(what, to, detail);
  };
  const format = to === MediaType.DockerManifest ? "docker" : "oci";
  if (format === "docker") {
    if (manifest.artifactType !== undefined) {
      reject(`it is an artifact of type "${manifest.artifactType}"`);
    }
    if (manifest.config.mediaType !== MediaType.OciConfig) {
      reject(`its config has media type "${manifest.config.mediaType}", not an image config`);
    }
    if (manifest.subject !== undefined) reject("Docker manifests cannot refer to a subject");
  } else if (manifest.config.mediaType !== MediaType.DockerConfig) {
    reject(`its config has media type "${manifest.config.mediaType}", not an image config`);
  }
  const layers = manifest.layers.map((layer, i) => {
    const mediaType = convertLayerMediaType(layer.mediaType, format);
    if (mediaType === undefined) {
      if (layerCompression(layer.mediaType) === "zstd") {
        reject(`layer ${i} is zstd-compressed, which Docker manifests cannot express`);
      }
      reject(`layer ${i} has media type "${layer.mediaType}", which has no equivalent`);
    }
    return bare(layer, mediaType as string);
  });
  const config = bare(
    manifest.config,
    format === "docker" ? MediaType.DockerConfig : MediaType.OciConfig,
  );
  return { schemaVersion: 2, mediaType: to, config, layers };
}

/** Options of {@linkcode convertIndex}. */
export interface ConvertIndexOptions extends ConvertOptions {
  /**
   * Replaces an entry, typically with the descriptor of its own converted manifest.
   * @default entries are kept as they are
   */
  mapInstance?: (instance: Descriptor) => Descriptor;
}

/**
 * Converts an OCI index to a Docker manifest list or back. Entries keep their media
 * types and digests unless `mapInstance` replaces them (converting the instances
 * themselves changes their digests, so that is the caller's job). Converting to Docker
 * drops annotations (the index's and the entries'), and refuses a `subject`, an
 * `artifactType`, and entries that are not image manifests.
 *
 * @throws {ManifestConversionError} when the target cannot express the index.
 */
export function convertIndex(
  index: ImageIndex,
  to: IndexMediaType,
  options: ConvertIndexOptions = {},
): ImageIndex {
  const what = options.what ?? "manifest";
  const map = options.mapInstance ?? ((d: Descriptor) => d);
  const manifests = index.manifests.map((d) => structuredClone(map(d)));
  if (to === MediaType.OciIndex) {
    return { ...structuredClone(index), mediaType: to, manifests };
  }
  if (to !== MediaType.DockerManifestList) {
    throw new ManifestConversionError(what, to, "not an index media type");
  }
  if (index.subject !== undefined) {
    throw new ManifestConversionError(what, to, "Docker manifest lists cannot refer to a subject");
  }
  if (index.artifactType !== undefined) {
    throw new ManifestConversionError(
      what,
      to,
      `it is an artifact of type "${index.artifactType}"`,
    );
  }
  return {
    schemaVersion: 2,
    mediaType: to,
    manifests: manifests.map((d, i) => {
      if (!isImageManifestType(d.mediaType) && !isSchema1Type(d.mediaType)) {
        throw new ManifestConversionError(
          what,
          to,
          `manifests[${i}] has media type "${d.mediaType}", which a Docker list cannot hold`,
        );
      }
      const out = bare(d, d.mediaType);
      if (d.platform !== undefined) out.platform = structuredClone(d.platform);
      return out;
    }),
  };
}
