/**
 * Uncompressed layer sizes of stored images, keyed by diff ID, as podman reports them;
 * images stored before those sizes were recorded get them once, on first need.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { RuntimeContext } from "./context.ts";
import type { ImageView } from "./_image_view.ts";

/**
 * `record` with its uncompressed layer sizes: a record stored without them has them
 * computed and recorded by the store (once); one whose layers cannot be read keeps the
 * sizes it has.
 */
export async function withLayerSizes(
  ctx: Pick<RuntimeContext, "store">,
  record: ImageRecord,
): Promise<ImageRecord> {
  const store = ctx.store;
  if (record.isManifestList || record.diffSizes !== undefined || !store.completeSizes) {
    return record;
  }
  try {
    return await store.completeSizes(record.id);
  } catch {
    // A damaged layer shows in `check()`; listing the image must not fail because of it.
    return record;
  }
}

/**
 * Adds the sizes of `record`'s layers (by diff ID) to `sizes`: uncompressed when known,
 * else those its manifest lists; lists add nothing.
 */
export async function addLayerSizes(
  view: ImageView,
  record: ImageRecord,
  sizes: Map<string, number>,
): Promise<void> {
  if (record.isManifestList || record.diffIds.length === 0) return;
  const known = record.diffSizes;
  if (known !== undefined) {
    record.diffIds.forEach((diffId, i) => {
      if (!sizes.has(diffId)) sizes.set(diffId, known[i]);
    });
    return;
  }
  const stored = await view.manifest(record);
  if (stored.kind !== "image") return;
  const layers = stored.manifest.layers;
  record.diffIds.forEach((diffId, i) => {
    if (!sizes.has(diffId) && layers[i]) sizes.set(diffId, layers[i].size);
  });
}
