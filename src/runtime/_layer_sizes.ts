/**
 * Layer sizes of stored images, keyed by diff ID, read from their manifests.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { ImageView } from "./_image_view.ts";

/** Adds the sizes of `record`'s layers (by diff ID) to `sizes`; lists add nothing. */
export async function addLayerSizes(
  view: ImageView,
  record: ImageRecord,
  sizes: Map<string, number>,
): Promise<void> {
  if (record.isManifestList || record.diffIds.length === 0) return;
  const stored = await view.manifest(record);
  if (stored.kind !== "image") return;
  const layers = stored.manifest.layers;
  record.diffIds.forEach((diffId, i) => {
    if (!sizes.has(diffId) && layers[i]) sizes.set(diffId, layers[i].size);
  });
}
