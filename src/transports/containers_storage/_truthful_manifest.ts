/**
 * An image manifest whose layer media types claim the compression the layers' bytes
 * really have (a docker-archive's plain tars are listed as gzip by its source).
 *
 * @module
 */
import { computeDigest } from "../../digest/mod.ts";
import { parseManifest, serializeManifest } from "../../manifest/mod.ts";
import {
  type Descriptor,
  isNondistributableLayerType,
  layerCompression,
  layerMediaType,
  MediaType,
} from "../../types/mod.ts";
import type { ManifestBytes } from "../types.ts";

/**
 * `manifest`, or, when it is an image manifest listing a layer under the media type of
 * another compression than `compressionOf` finds in the layer's bytes, the same manifest
 * with the true media types (new bytes and digest). A layer whose compression is unknown
 * (`undefined`) or has no media type in the manifest's family keeps its own.
 */
export async function truthfulManifest(
  manifest: ManifestBytes,
  what: string,
  compressionOf: (digest: string) => Promise<string | undefined>,
): Promise<ManifestBytes> {
  const parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
  if (parsed.kind !== "image") return manifest;
  const family = parsed.mediaType === MediaType.DockerManifest ? "docker" : "oci";
  let changed = false;
  const layers: Descriptor[] = [];
  for (const layer of parsed.manifest.layers) {
    const claimed = layerCompression(layer.mediaType);
    let mediaType: string | undefined;
    if (claimed !== undefined && !isNondistributableLayerType(layer.mediaType)) {
      const real = await compressionOf(layer.digest);
      if (real !== claimed && (real === "none" || real === "gzip" || real === "zstd")) {
        mediaType = layerMediaType(family, real);
      }
    }
    layers.push(mediaType === undefined ? layer : { ...layer, mediaType });
    changed ||= mediaType !== undefined;
  }
  if (!changed) return manifest;
  const bytes = serializeManifest({ ...parsed.manifest, layers });
  return { bytes, mediaType: parsed.mediaType, digest: (await computeDigest(bytes)).toString() };
}
