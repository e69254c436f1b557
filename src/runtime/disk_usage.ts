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
  const view = await ImageView.load(ctx);
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
    const stored = await view.manifest(record);
    const layers = stored.kind === "image" ? stored.manifest.layers : [];
    const digests: string[] = [];
    for (const layer of layers) {
      layerSize.set(layer.digest, layer.size);
      digests.push(layer.digest);
      let set = users.get(layer.digest);
      if (!set) users.set(layer.digest, set = new Set());
      set.add(record.id);
    }
    layersOf.set(record.id, digests);
    ownSize.set(record.id, stored.kind === "image" ? stored.manifest.config.size : 0);
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
