/**
 * Disk usage of local images (libimage's `DiskUsage`): one row per repository and tag
 * with shared (layers used by more than one image) and unique sizes, plus a total.
 *
 * @module
 */
import type { RuntimeContext } from "./context.ts";
import { CorruptedError } from "../errors.ts";
import { ImageView } from "./_image_view.ts";
import { nameTagPairs } from "./_names.ts";
import { createdOf } from "./filters/compile_filters.ts";

/** One row of {@linkcode diskUsage}. */
export interface DiskUsageRow {
  /** How many containers use the image. */
  containers: number;
  /** The image ID. */
  id: string;
  /** The repository, or `<none>`. */
  repository: string;
  /** The tag, or `<none>`. */
  tag: string;
  /** When the image was created. */
  created: Date;
  /** Bytes of layers other images use too. */
  sharedSize: number;
  /** Bytes only this image uses (its own layers and config or list manifest). */
  uniqueSize: number;
  /** `sharedSize + uniqueSize`. */
  size: number;
}

/** The result of {@linkcode diskUsage}. */
export interface DiskUsageResult {
  /** One row per repository:tag of each image (one `<none>` row for unnamed images). */
  images: DiskUsageRow[];
  /** Bytes used by all images, each layer counted once. */
  totalSize: number;
}

/**
 * Computes the disk usage of every local image.
 *
 * @throws {CorruptedError} when an image is corrupted.
 * @example
 * ```ts ignore
 * const { images, totalSize } = await diskUsage(ctx);
 * ```
 */
export async function diskUsage(ctx: RuntimeContext): Promise<DiskUsageResult> {
  const view = await ImageView.load(ctx, { sizes: true });
  const containers = await view.containers();
  const users = new Map<string, Set<string>>();
  const layerSize = new Map<string, number>();
  const ownSize = new Map<string, number>();
  const layersOf = new Map<string, string[]>();
  for (const record of view.records) {
    if (await ctx.store.isCorrupted(record)) {
      throw new CorruptedError(record.id, "image is corrupted");
    }
    if (record.isManifestList) {
      ownSize.set(record.id, record.size);
      layersOf.set(record.id, []);
      continue;
    }
    // Layers count uncompressed (by diff ID) when their sizes are known, as podman's do.
    const known = record.diffSizes;
    let layers: { key: string; size: number }[];
    if (known !== undefined) {
      layers = record.diffIds.map((diffId, i) => ({ key: diffId, size: known[i] }));
      ownSize.set(record.id, record.size - known.reduce((sum, size) => sum + size, 0));
    } else {
      const stored = await view.manifest(record);
      const listed = stored.kind === "image" ? stored.manifest.layers : [];
      layers = listed.map((layer) => ({ key: layer.digest, size: layer.size }));
      ownSize.set(record.id, stored.kind === "image" ? stored.manifest.config.size : 0);
    }
    const keys: string[] = [];
    for (const layer of layers) {
      layerSize.set(layer.key, layer.size);
      keys.push(layer.key);
      let set = users.get(layer.key);
      if (!set) users.set(layer.key, set = new Set());
      set.add(record.id);
    }
    layersOf.set(record.id, keys);
  }
  const images: DiskUsageRow[] = [];
  let totalSize = 0;
  for (const size of layerSize.values()) totalSize += size;
  for (const record of view.records) {
    let shared = 0;
    let unique = ownSize.get(record.id) ?? 0;
    totalSize += ownSize.get(record.id) ?? 0;
    for (const digest of new Set(layersOf.get(record.id))) {
      const size = layerSize.get(digest) ?? 0;
      if ((users.get(digest)?.size ?? 0) > 1) shared += size;
      else unique += size;
    }
    for (const pair of nameTagPairs(record.names)) {
      images.push({
        containers: containers.get(record.id)?.length ?? 0,
        id: record.id,
        repository: pair.name,
        tag: pair.tag,
        created: new Date(createdOf(record)),
        sharedSize: shared,
        uniqueSize: unique,
        size: shared + unique,
      });
    }
  }
  return { images, totalSize };
}
