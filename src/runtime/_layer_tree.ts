/**
 * Parent/child relations between local images, as libimage's layer tree computes them:
 * layers are identified by their chain (the diff IDs from the base up), a parent sits on
 * the child's top layer or on the layer below it, its diff IDs are a prefix of the
 * child's, and the child's history is the parent's plus exactly one entry. Images without
 * layers are only compared with each other; manifest lists have no parents or children.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { HistoryEntry, ImageConfig } from "../types/mod.ts";

/** One layer of the tree: the images whose top layer it is, and the layers on top of it. */
export interface LayerNode {
  /** The layer's diff ID. */
  diffId: string;
  /** The layer below, if any. */
  parent: LayerNode | undefined;
  /** The layers directly on top of this one. */
  children: LayerNode[];
  /** The images whose top layer this is, in store order. */
  images: ImageRecord[];
}

/** Reads an image's config (cached by the caller). */
export type ConfigReader = (record: ImageRecord) => Promise<ImageConfig | undefined>;

/** The parent/child relations of a set of images, built once per operation. */
export class LayerTree {
  #nodes = new Map<string, LayerNode>();
  #topKey = new Map<string, string>();
  #empty: ImageRecord[] = [];
  #instanceDigests: Set<string>;
  #readConfig: ConfigReader;

  /**
   * Builds the tree over `records`; `instanceDigests` are the digests of every instance of
   * every local manifest list (images among them are never dangling).
   */
  constructor(records: ImageRecord[], instanceDigests: Set<string>, readConfig: ConfigReader) {
    this.#instanceDigests = instanceDigests;
    this.#readConfig = readConfig;
    for (const record of records) this.#add(record);
  }

  #add(record: ImageRecord): void {
    if (record.isManifestList) return;
    if (record.diffIds.length === 0) {
      this.#empty.push(record);
      return;
    }
    let key = "";
    let parent: LayerNode | undefined;
    for (const diffId of record.diffIds) {
      key = key === "" ? diffId : `${key},${diffId}`;
      let node = this.#nodes.get(key);
      if (!node) {
        node = { diffId, parent, children: [], images: [] };
        this.#nodes.set(key, node);
        parent?.children.push(node);
      }
      parent = node;
    }
    parent!.images.push(record);
    this.#topKey.set(record.id, key);
  }

  /** The node of the image's top layer (undefined for lists and images without layers). */
  node(record: ImageRecord): LayerNode | undefined {
    const key = this.#topKey.get(record.id);
    return key === undefined ? undefined : this.#nodes.get(key);
  }

  /** Forgets an image (after it was deleted). */
  delete(id: string): void {
    this.#empty = this.#empty.filter((r) => r.id !== id);
    const node = this.#nodeById(id);
    if (node) node.images = node.images.filter((r) => r.id !== id);
  }

  /** Replaces the record of an image (e.g. after its names changed). */
  update(record: ImageRecord): void {
    const replace = (list: ImageRecord[]) => list.map((r) => r.id === record.id ? record : r);
    this.#empty = replace(this.#empty);
    const node = this.#nodeById(record.id);
    if (node) node.images = replace(node.images);
  }

  #nodeById(id: string): LayerNode | undefined {
    const key = this.#topKey.get(id);
    return key === undefined ? undefined : this.#nodes.get(key);
  }

  /** Whether any digest of the image is an instance of a local manifest list. */
  inManifestList(record: ImageRecord): boolean {
    if (this.#instanceDigests.size === 0) return false;
    return record.digests.some((d) => this.#instanceDigests.has(d)) ||
      this.#instanceDigests.has(record.manifestDigest);
  }

  /** The image's parent, if any. */
  async parent(child: ImageRecord): Promise<ImageRecord | undefined> {
    if (child.isManifestList) return undefined;
    const childConfig = await this.#readConfig(child);
    if (!childConfig) return undefined;
    const candidates: ImageRecord[] = [];
    const node = this.node(child);
    if (!node) candidates.push(...this.#empty);
    else {
      candidates.push(...node.images);
      if (node.parent) candidates.push(...node.parent.images);
    }
    for (const candidate of candidates) {
      if (candidate.id === child.id) continue;
      const config = await this.#readConfig(candidate);
      if (config && areParentAndChild(config, childConfig)) return candidate;
    }
    return undefined;
  }

  /** The image's children (only the first one unless `all`). */
  async children(parent: ImageRecord, all = true): Promise<ImageRecord[]> {
    if (parent.isManifestList) return [];
    const parentConfig = await this.#readConfig(parent);
    if (!parentConfig) return [];
    const candidates: ImageRecord[] = [];
    const node = this.node(parent);
    if (!node) candidates.push(...this.#empty);
    else {
      candidates.push(...node.images);
      for (const child of node.children) candidates.push(...child.images);
    }
    const found: ImageRecord[] = [];
    for (const candidate of candidates) {
      if (candidate.id === parent.id) continue;
      const config = await this.#readConfig(candidate);
      if (config && areParentAndChild(parentConfig, config)) {
        found.push(candidate);
        if (!all) break;
      }
    }
    return found;
  }

  /** Whether another image is built on this one. */
  async hasChildren(record: ImageRecord): Promise<boolean> {
    return (await this.children(record, false)).length > 0;
  }

  /** No names, no children, and not part of any local manifest list. */
  async isDangling(record: ImageRecord): Promise<boolean> {
    if (record.names.length > 0) return false;
    if (this.inManifestList(record)) return false;
    return !(await this.hasChildren(record));
  }

  /** No names, but children. */
  async isIntermediate(record: ImageRecord): Promise<boolean> {
    if (record.names.length > 0) return false;
    return await this.hasChildren(record);
  }
}

function sameTime(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  const ta = Date.parse(a);
  return !Number.isNaN(ta) && ta === Date.parse(b);
}

function sameHistory(a: HistoryEntry, b: HistoryEntry): boolean {
  return sameTime(a.created, b.created) &&
    (a.created_by ?? "") === (b.created_by ?? "") &&
    (a.author ?? "") === (b.author ?? "") &&
    (a.comment ?? "") === (b.comment ?? "") &&
    (a.empty_layer ?? false) === (b.empty_layer ?? false);
}

/**
 * Whether `parent` is the parent of `child`: its diff IDs are a prefix of the child's and
 * the child's history is the parent's plus exactly one entry.
 */
export function areParentAndChild(parent: ImageConfig, child: ImageConfig): boolean {
  const parentHistory = parent.history ?? [];
  const childHistory = child.history ?? [];
  if (parentHistory.length + 1 !== childHistory.length) return false;
  const parentDiffs = parent.rootfs.diff_ids ?? [];
  const childDiffs = child.rootfs.diff_ids ?? [];
  if (parentDiffs.length > childDiffs.length) return false;
  for (let i = 0; i < parentDiffs.length; i++) {
    if (parentDiffs[i] !== childDiffs[i]) return false;
  }
  for (let i = 0; i < parentHistory.length; i++) {
    if (!sameHistory(parentHistory[i], childHistory[i])) return false;
  }
  return true;
}
