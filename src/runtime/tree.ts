/**
 * An image's layers as a text tree (libimage's `Image.Tree`), printed top-down like
 * `podman image tree`.
 *
 * @module
 */
import type { RuntimeContext } from "./context.ts";
import { ImageView } from "./_image_view.ts";
import { addLayerSizes } from "./_layer_sizes.ts";
import type { LayerNode } from "./_layer_tree.ts";
import { goList, repoTags } from "./_names.ts";
import { humanSize } from "./_human_size.ts";

/** Options of {@linkcode tree}. */
export interface TreeOptions {
  /** Show the layers built on top of the image (its children) instead of its own. @default false */
  whatRequires?: boolean;
}

interface TextTree {
  text: string;
  items: TextTree[];
}

function render(items: TextTree[], spaces: boolean[]): string {
  let out = "";
  items.forEach((item, i) => {
    const last = i === items.length - 1;
    const prefix = spaces.map((space) => (space ? "    " : "│   ")).join("");
    const lines = item.text.split("\n");
    out += `${prefix}${last ? "└── " : "├── "}${lines[0]}\n`;
    const cont = prefix + (last ? "    " : "│   ");
    for (const line of lines.slice(1)) out += `${cont}${line}\n`;
    out += render(item.items, [...spaces, last]);
  });
  return out;
}

/**
 * The tree text of the image `name` resolves to: a header (ID, tags, size) and its
 * layers base first, or, with `whatRequires`, the layers built on it.
 *
 * @throws {ImageNotFoundError} when nothing matches.
 * @example
 * ```ts ignore
 * console.log(await tree(ctx, "alpine"));
 * ```
 */
export async function tree(
  ctx: RuntimeContext,
  name: string,
  options: TreeOptions = {},
): Promise<string> {
  const { image } = await ctx.lookup(name);
  const view = await ImageView.load(ctx, { sizes: true });
  const record = view.byId.get(image.id) ?? image;
  const layerTree = await view.tree();
  const sizes = new Map<string, number>();
  if (options.whatRequires) {
    for (const r of view.records) await addLayerSizes(view, r, sizes).catch(() => {});
  } else {
    await addLayerSizes(view, record, sizes);
  }
  const node = layerTree.node(record);
  const header = [
    `Image ID: ${record.id.slice(0, 12)}`,
    `Tags:     ${goList(repoTags(record.names))}`,
    `Size:     ${humanSize(record.size, 4)}`,
    node ? "Image Layers" : "No Image Layers",
  ].join("\n");
  const root: TextTree = { text: header, items: [] };
  const content = (n: LayerNode) => {
    const tags = n.images.flatMap((i) => repoTags(i.names));
    const size = humanSize(sizes.get(n.diffId) ?? 0, 4).padStart(7);
    const top = tags.length > 0 ? ` Top Layer of: ${goList(tags)}` : "";
    return `ID: ${
      n.diffId.slice(n.diffId.indexOf(":") + 1, n.diffId.indexOf(":") + 13)
    } Size: ${size}${top}`;
  };
  if (node && options.whatRequires) {
    traverse(node, root, content);
  } else if (node) {
    const rows: string[] = [];
    for (let n: LayerNode | undefined = node; n; n = n.parent) rows.push(content(n));
    for (const row of rows.reverse()) root.items.push({ text: row, items: [] });
  }
  return `${root.text}\n${render(root.items, [])}`;
}

function traverse(node: LayerNode, parent: TextTree, content: (n: LayerNode) => string): void {
  let next: TextTree;
  if (!node.parent || node.parent.children.length <= 1) {
    parent.items.push({ text: content(node), items: [] });
    next = parent;
  } else {
    next = { text: content(node), items: [] };
    parent.items.push(next);
  }
  for (const child of node.children) traverse(child, next, content);
}
