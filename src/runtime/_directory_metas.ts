/**
 * The directory metadata an unpack applies at the end, kept as a tree of root-relative
 * paths so that forgetting a removed path and everything below it costs one lookup,
 * however many directories were recorded.
 *
 * @module
 */

/** A directory's metadata, applied once every layer is in (children change times). */
export interface DirectoryMeta {
  mode: number;
  mtime?: Date;
  uid?: number;
  gid?: number;
}

interface Node {
  meta?: DirectoryMeta;
  children: Map<string, Node>;
}

/** Recorded directory metadata by root-relative path ("" is the root). */
export class DirectoryMetas {
  #top: Node = { children: new Map() };

  #find(rel: string, create: boolean): Node | undefined {
    let node: Node | undefined = this.#top;
    for (const part of rel === "" ? [] : rel.split("/")) {
      let child: Node | undefined = node.children.get(part);
      if (child === undefined) {
        if (!create) return undefined;
        child = { children: new Map() };
        node.children.set(part, child);
      }
      node = child;
    }
    return node;
  }

  /** Records (or replaces) the metadata of `rel`. */
  set(rel: string, meta: DirectoryMeta): void {
    this.#find(rel, true)!.meta = meta;
  }

  /** Forgets `rel` and everything recorded below it. */
  forget(rel: string): void {
    if (rel === "") {
      this.#top = { children: new Map() };
      return;
    }
    const slash = rel.lastIndexOf("/");
    const parent = this.#find(slash < 0 ? "" : rel.slice(0, slash), false);
    parent?.children.delete(rel.slice(slash + 1));
  }

  /** Every recorded path with its metadata, children before their parent. */
  *entries(): Generator<[string, DirectoryMeta]> {
    const stack: { rel: string; node: Node; expanded: boolean }[] = [
      { rel: "", node: this.#top, expanded: false },
    ];
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      if (!top.expanded) {
        top.expanded = true;
        for (const [name, node] of top.node.children) {
          stack.push({ rel: top.rel === "" ? name : `${top.rel}/${name}`, node, expanded: false });
        }
        continue;
      }
      stack.pop();
      if (top.node.meta) yield [top.rel, top.node.meta];
    }
  }
}
