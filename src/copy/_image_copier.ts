/**
 * Copies one image manifest (config and layers) from a source to a destination, deciding
 * per layer whether its compression changes and rewriting (or converting) the manifest
 * when anything about its blobs or type changes.
 *
 * @module
 */
import { CompressionError } from "../errors.ts";
import {
  configDiffIds,
  convertManifest,
  parseImageConfig,
  parseImageManifest,
  serializeManifest,
} from "../manifest/mod.ts";
import { digestBytes } from "../digest/mod.ts";
import type { ImageDestination, ManifestBytes } from "../transports/types.ts";
import {
  type Descriptor,
  type ImageManifest,
  type ImageManifestMediaType,
  isNondistributableLayerType,
  type LayerCompression,
  layerCompression,
  layerMediaType,
  MediaType,
} from "../types/mod.ts";
import { type BlobCopier, type BlobPlan, changesBytes, toInfo } from "./_blob_copier.ts";
import { chooseManifestType } from "./_manifest_plan.ts";
import { mapLimited } from "./_tasks.ts";
import type { CopyCompressionFormat } from "./copy_options.ts";

/** What {@linkcode copyInstance} needs besides the manifest. */
export interface InstanceCopyOptions {
  /** Where the image goes. */
  destination: ImageDestination;
  /** The blob copier of this copy. */
  blobs: BlobCopier;
  /** Blobs in parallel. */
  concurrency: number;
  /** The wanted layer compression, if any. */
  compressionFormat: CopyCompressionFormat | undefined;
  /** A forced manifest type, if any. */
  manifestType: string | undefined;
  /** The largest config read. */
  maxConfigSize: number;
  /** Cancels the copy. */
  signal: AbortSignal | undefined;
  /** Cancels the whole copy after a failure. */
  abort: (reason: unknown) => void;
}

/** The result of copying one image manifest. */
export interface InstanceCopy {
  /** The manifest to write at the destination. */
  manifest: ManifestBytes;
  /** Whether its bytes differ from the source's. */
  changed: boolean;
}

/** The compression a layer should be written with, given the destination's wish. */
function wantedCompression(
  from: LayerCompression,
  wish: ReturnType<ImageDestination["desiredLayerCompression"]>,
  format: CopyCompressionFormat | undefined,
): LayerCompression {
  if (wish === "decompress") return "none";
  if (format !== undefined) return format;
  if (wish === "compress" && from === "none") return "gzip";
  return from;
}

/**
 * Plans how a layer is written: its compression, and its media type in the source's own
 * family (a conversion to the other family comes after).
 */
function planLayer(
  layer: Descriptor,
  sourceType: string,
  manifestType: string,
  options: InstanceCopyOptions,
): BlobPlan {
  const from = layerCompression(layer.mediaType);
  if (from === undefined || isNondistributableLayerType(layer.mediaType)) {
    // Unknown (artifact) blobs and foreign layers travel as they are.
    return { from: undefined, to: undefined, mediaType: layer.mediaType };
  }
  const wish = options.destination.desiredLayerCompression();
  let to = wantedCompression(from, wish, options.compressionFormat);
  if (manifestType === MediaType.DockerManifest && to === "zstd") {
    if (options.compressionFormat === "zstd") {
      throw new CompressionError(
        layer.digest,
        "Unsupported",
        "Docker manifests cannot list zstd layers",
      );
    }
    to = "gzip";
  }
  const family = sourceType === MediaType.DockerManifest ? "docker" : "oci";
  return { from, to, mediaType: layerMediaType(family, to)! };
}

/** Copies the image whose manifest is `source`; returns the manifest to write. */
export async function copyInstance(
  source: ManifestBytes,
  options: InstanceCopyOptions,
): Promise<InstanceCopy> {
  const what = source.digest;
  const parsed = parseImageManifest(source.bytes, { what, contentType: source.mediaType });
  const manifest: ImageManifest = parsed.manifest;
  const manifestType = chooseManifestType(
    parsed.mediaType,
    options.destination.supportedManifestTypes(),
    options.manifestType,
    options.destination.reference.toString(),
  );
  const { blobs, signal } = options;
  const plans = manifest.layers.map((layer) =>
    planLayer(layer, parsed.mediaType, manifestType, options)
  );
  // The manifest as it will be written, still with the source's digests and sizes.
  const planned: ImageManifest = {
    ...manifest,
    layers: manifest.layers.map((layer, i) => ({ ...layer, mediaType: plans[i].mediaType })),
  };
  const target = manifestType === parsed.mediaType
    ? planned
    : convertManifest(planned, manifestType as ImageManifestMediaType, { what });
  plans.forEach((plan, i) => plan.mediaType = target.layers[i].mediaType);

  const configBytes = await blobs.readBytes(manifest.config, options.maxConfigSize, signal);
  if (plans.some((p) => p.to === "none" && p.from !== "none")) {
    const diffIds = configDiffIds(
      parseImageConfig(configBytes, {
        what: manifest.config.digest,
        maxSize: options.maxConfigSize,
      }).config,
      { count: manifest.layers.length, what },
    );
    plans.forEach((plan, i) => {
      if (plan.to === "none" && plan.from !== "none") plan.knownDigest = diffIds[i];
    });
  }
  // Layers whose bytes change get their digests only once written.
  const asTheyAre = target.layers.filter((_, i) => !changesBytes(plans[i]));
  await options.destination.prepareBlobs?.([target.config, ...asTheyAre].map(toInfo));
  await blobs.putBytes(target.config, configBytes, signal);

  // Largest layers first (unless the destination writes them in order): a large layer's
  // time goes to hashing and decompressing, a small one's to round trips and syncs;
  // started early, the large ones use the time the small ones wait instead of running
  // alone at the end (a 20-layer pull: 5-10 % less wall time).
  const layers = manifest.layers;
  const order = layers.map((_, i) => i);
  if (options.destination.writesBlobsInOrder !== true) {
    order.sort((a, b) => layers[b].size - layers[a].size);
  }
  const copiedInOrder = await mapLimited(
    order,
    options.concurrency,
    (i) => blobs.copy(layers[i], plans[i], signal),
    options.abort,
  );
  const copied: Descriptor[] = new Array(layers.length);
  order.forEach((i, k) => copied[i] = copiedInOrder[k]);
  const unchanged = manifestType === parsed.mediaType &&
    copied.every((layer, i) =>
      layer.digest === manifest.layers[i].digest &&
      layer.mediaType === manifest.layers[i].mediaType &&
      layer.size === manifest.layers[i].size
    );
  if (unchanged) return { manifest: source, changed: false };
  const written: ImageManifest = {
    ...target,
    layers: target.layers.map((layer, i) => ({
      ...layer,
      digest: copied[i].digest,
      size: copied[i].size,
    })),
  };
  const bytes = serializeManifest(written);
  return {
    manifest: { bytes, mediaType: manifestType, digest: digestBytes(bytes).toString() },
    changed: true,
  };
}
