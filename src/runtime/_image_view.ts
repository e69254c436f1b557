/**
 * A per-call view of the store's images: the records, plus lazily read and cached configs,
 * manifests, containers and the layer tree, so one operation reads each blob at most once.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { ContainerInfo } from "../lookup/types.ts";
import type { RuntimeContext } from "./context.ts";
import type { ImageConfig, ImageIndex, ImageManifest } from "../types/mod.ts";
import { parseImageConfig } from "../manifest/parse_config.ts";
import { parseManifest } from "../manifest/parse_manifest.ts";
import { LayerTree } from "./_layer_tree.ts";
import { withLayerSizes } from "./_layer_sizes.ts";

/** The stored manifest of an image: a single-image manifest or an index. */
export type StoredManifest =
  | { kind: "image"; mediaType: string; manifest: ImageManifest }
  | { kind: "index"; mediaType: string; index: ImageIndex }
  | { kind: "schema1"; mediaType: string };

/** Images of one operation with cached derived data. */
export class ImageView {
  /** The records, in store order. */
  readonly records: ImageRecord[];
  /** The records by ID. */
  readonly byId: Map<string, ImageRecord>;
  #ctx: RuntimeContext;
  #configs = new Map<string, Promise<ImageConfig | undefined>>();
  #manifests = new Map<string, Promise<StoredManifest>>();
  #containers: Promise<Map<string, ContainerInfo[]>> | undefined;
  #tree: Promise<LayerTree> | undefined;

  /** Builds a view over `records`. */
  constructor(ctx: RuntimeContext, records: ImageRecord[]) {
    this.#ctx = ctx;
    this.records = records;
    this.byId = new Map(records.map((r) => [r.id, r]));
  }

  /**
   * Loads every record of the store into a view; with `sizes`, each image has its
   * uncompressed layer sizes (recorded once for images stored without them).
   */
  static async load(ctx: RuntimeContext, options: { sizes?: boolean } = {}): Promise<ImageView> {
    let records = await ctx.store.images();
    if (options.sizes) {
      records = await Promise.all(records.map((record) => withLayerSizes(ctx, record)));
    }
    return new ImageView(ctx, records);
  }

  /** The image's config (undefined for manifest lists); throws when it cannot be read. */
  config(record: ImageRecord): Promise<ImageConfig | undefined> {
    let cached = this.#configs.get(record.id);
    if (!cached) {
      cached = record.isManifestList ? Promise.resolve(undefined) : this.#readConfig(record);
      this.#configs.set(record.id, cached);
    }
    return cached;
  }

  async #readConfig(record: ImageRecord): Promise<ImageConfig> {
    const digest = `sha256:${record.id}`;
    const bytes = await this.#ctx.store.readBlobBytes(digest);
    return parseImageConfig(bytes, { what: digest }).config;
  }

  /** The image's stored manifest; throws when it cannot be read. */
  manifest(record: ImageRecord): Promise<StoredManifest> {
    const key = `${record.id}@${record.manifestDigest}`;
    let cached = this.#manifests.get(key);
    if (!cached) {
      cached = readManifest(this.#ctx, record);
      this.#manifests.set(key, cached);
    }
    return cached;
  }

  /** The labels of an image's config; `{}` for lists and images without labels. */
  async labels(record: ImageRecord): Promise<Record<string, string>> {
    const config = await this.config(record);
    return { ...(config?.config?.Labels ?? {}) };
  }

  /** Containers by image ID (empty when the context has no `listContainers` hook). */
  containers(): Promise<Map<string, ContainerInfo[]>> {
    if (!this.#containers) this.#containers = listContainersById(this.#ctx);
    return this.#containers;
  }

  /** Drops the cached containers so the next call asks the hook again. */
  forgetContainers(): void {
    this.#containers = undefined;
  }

  /** The parent/child tree over these records (built once). */
  tree(): Promise<LayerTree> {
    if (!this.#tree) this.#tree = this.#buildTree();
    return this.#tree;
  }

  async #buildTree(): Promise<LayerTree> {
    const instanceDigests = new Set<string>();
    for (const record of this.records) {
      if (!record.isManifestList) continue;
      try {
        const stored = await this.manifest(record);
        if (stored.kind !== "index") continue;
        for (const entry of stored.index.manifests) instanceDigests.add(entry.digest);
      } catch {
        // A corrupted list does not protect anything.
      }
    }
    return new LayerTree(this.records, instanceDigests, (record) => this.config(record));
  }
}

async function readManifest(ctx: RuntimeContext, record: ImageRecord): Promise<StoredManifest> {
  const bytes = await ctx.store.readBlobBytes(record.manifestDigest);
  const parsed = parseManifest(bytes, { what: record.manifestDigest });
  if (parsed.kind === "image") {
    return { kind: "image", mediaType: parsed.mediaType, manifest: parsed.manifest };
  }
  if (parsed.kind === "index") {
    return { kind: "index", mediaType: parsed.mediaType, index: parsed.index };
  }
  return { kind: "schema1", mediaType: parsed.mediaType };
}

async function listContainersById(ctx: RuntimeContext): Promise<Map<string, ContainerInfo[]>> {
  const byImage = new Map<string, ContainerInfo[]>();
  if (!ctx.listContainers) return byImage;
  for (const container of await ctx.listContainers()) {
    const list = byImage.get(container.imageId);
    if (list) list.push(container);
    else byImage.set(container.imageId, [container]);
  }
  return byImage;
}
