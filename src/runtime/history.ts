/**
 * An image's build history (libimage's `Image.History`), newest first.
 *
 * @module
 */
import type { RuntimeContext } from "./context.ts";
import { CorruptedError } from "../errors.ts";
import { ImageView } from "./_image_view.ts";
import { addLayerSizes } from "./_layer_sizes.ts";
import type { LayerNode } from "./_layer_tree.ts";

/** One history entry. */
export interface HistoryRow {
  /** The ID of the image topping this step's layer, or "<missing>" (each ID once). */
  id: string;
  /** When the step ran, if recorded. */
  created: Date | undefined;
  /** The command of the step. */
  createdBy: string;
  /** The size of the layer it created (0 for empty-layer steps). */
  size: number;
  /** Its comment. */
  comment: string;
  /** The names of the images whose top layer this step's layer is. */
  tags: string[];
}

/**
 * The history of the image `name` resolves to, newest step first.
 *
 * @throws {ImageNotFoundError} when nothing matches.
 * @throws {CorruptedError} when a step that created a layer has no layer left.
 * @example
 * ```ts ignore
 * for (const row of await history(ctx, "alpine")) console.log(row.id, row.createdBy);
 * ```
 */
export async function history(ctx: RuntimeContext, name: string): Promise<HistoryRow[]> {
  const { image } = await ctx.lookup(name);
  const view = await ImageView.load(ctx, { sizes: true });
  const record = view.byId.get(image.id) ?? image;
  const config = await view.config(record);
  if (!config) return [];
  const tree = await view.tree();
  const sizes = new Map<string, number>();
  await addLayerSizes(view, record, sizes);
  let node: LayerNode | undefined = tree.node(record);
  const used = new Set<string>();
  const entries = config.history ?? [];
  const rows: HistoryRow[] = [];
  for (let x = entries.length - 1; x >= 0; x--) {
    const entry = entries[x];
    const row: HistoryRow = {
      id: "<missing>",
      created: entry.created ? new Date(entry.created) : undefined,
      createdBy: entry.created_by ?? "",
      size: 0,
      comment: entry.comment ?? "",
      tags: [],
    };
    if (node && node.images.length > 0) {
      const id = node.images[0].id;
      if (!used.has(id)) {
        row.id = id;
        used.add(id);
      }
      for (const image of node.images) row.tags.push(...image.names);
    }
    if (!entry.empty_layer) {
      if (!node) {
        throw new CorruptedError(
          record.id,
          `no remaining layer for history index ${x} for image ${record.id}`,
        );
      }
      row.size = sizes.get(node.diffId) ?? 0;
      node = node.parent;
    }
    rows.push(row);
  }
  return rows;
}
