/**
 * Removing local images with libimage's rules (`RemoveImages`): untag-only removals,
 * forced removals, containers, read-only images, recursive pruning of dangling parents,
 * and `remove`/`untag` events written after each attempt.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { ContainerInfo } from "../lookup/types.ts";
import type { RuntimeContext } from "./context.ts";
import type { ImageEvent } from "../events/mod.ts";
import {
  ImageConflictError,
  ImageNotFoundError,
  NotAManifestListError,
  TagError,
} from "../errors.ts";
import { isNotFound } from "../fs/mod.ts";
import { ImageView } from "./_image_view.ts";
import type { LayerTree } from "./_layer_tree.ts";
import { filterImages } from "./list_images.ts";
import { goList } from "./_names.ts";

/** Options of {@linkcode removeImages}. */
export interface RemoveImagesOptions {
  /** Remove images with several names by ID or digest, and their containers. @default false */
  force?: boolean;
  /** Skip names that resolve to no image. @default false */
  ignore?: boolean;
  /** Filters selecting the images; only used when no names are given. @default [] */
  filters?: string[];
  /** Fill each report's `size`. @default false */
  withSize?: boolean;
  /** The names must be manifest lists; the lists are removed, not their instances. @default false */
  lookupManifest?: boolean;
  /** Remove the image's containers when all of them are external ones. @default false */
  externalContainers?: boolean;
  /** Do not remove parents that become dangling. @default false */
  noPrune?: boolean;
}

/** What happened to one image. */
export interface RemoveReport {
  /** The image ID. */
  id: string;
  /** True when the image is gone and had no children. */
  removed: boolean;
  /** Its size (with `withSize`), else 0. */
  size: number;
  /** The names it lost. */
  untagged: string[];
}

/** The result of {@linkcode removeImages}. */
export interface RemoveImagesResult {
  /** One report per image processed, in processing order. */
  reports: RemoveReport[];
  /** Every error met (lookups, removals); the other images were still processed. */
  errors: Error[];
}

/** How an image was referred to. */
interface Referral {
  /** The name for untagging and events (the resolved name, or the input for IDs). */
  name: string;
  byId: boolean;
  byDigest: boolean;
}

const IN_USE =
  "image is in use by a container: consider listing external containers and force-removing image";

function isUnknown(error: unknown): boolean {
  return error instanceof ImageNotFoundError || isNotFound(error);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Removes the images `names` resolve to, or, with no names, those passing
 * `options.filters` (every image when there are no filters either).
 *
 * @example
 * ```ts ignore
 * const { reports, errors } = await removeImages(ctx, ["alpine"], { force: true });
 * ```
 */
export async function removeImages(
  ctx: RuntimeContext,
  names: string[],
  options: RemoveImagesOptions = {},
): Promise<RemoveImagesResult> {
  const errors: Error[] = [];
  const order: string[] = [];
  const referrals = new Map<string, Referral[]>();
  let view: ImageView;
  if (names.length > 0) {
    for (const name of names) {
      try {
        const found = await ctx.lookup(
          name,
          options.lookupManifest ? { manifestList: true } : { forRemoval: true },
        );
        if (options.lookupManifest && !found.image.isManifestList) {
          throw new NotAManifestListError("remove manifest list", name);
        }
        const image = found.image;
        const resolved = found.resolvedName;
        const byDigest = found.byDigest && !image.names.includes(resolved);
        const list = referrals.get(image.id);
        const referral = { name: resolved || name, byId: found.byId, byDigest };
        if (list) list.push(referral);
        else {
          referrals.set(image.id, [referral]);
          order.push(image.id);
        }
      } catch (error) {
        if (options.ignore && error instanceof ImageNotFoundError) continue;
        errors.push(asError(error));
      }
    }
    if (order.length === 0) return { reports: [], errors };
    view = await ImageView.load(ctx);
  } else {
    view = await ImageView.load(ctx);
    try {
      const { records } = await filterImages(ctx, view, options.filters ?? []);
      for (const record of records) order.push(record.id);
    } catch (error) {
      return { reports: [], errors: [asError(error)] };
    }
  }

  const remover = new Remover(ctx, view, await view.tree(), options);
  for (const id of order) {
    const record = view.byId.get(id);
    if (!record) continue;
    for (const referral of referrals.get(id) ?? [undefined]) {
      try {
        await remover.remove(record.id, referral);
      } catch (error) {
        errors.push(asError(error));
      }
    }
  }
  const reports = remover.reports();
  if (reports.some((report) => report.removed)) {
    // Free the disk space: blobs no remaining image (or copy in progress) uses.
    await ctx.store.gc().catch((error) => ctx.warn(`Cannot free unused blobs: ${error}`));
  }
  return { reports, errors };
}

class Remover {
  #ctx: RuntimeContext;
  #records: Map<string, ImageRecord>;
  #tree: LayerTree;
  #options: RemoveImagesOptions;
  #reports = new Map<string, RemoveReport>();
  #order: string[] = [];

  constructor(ctx: RuntimeContext, view: ImageView, tree: LayerTree, options: RemoveImagesOptions) {
    this.#ctx = ctx;
    this.#records = new Map(view.byId);
    this.#tree = tree;
    this.#options = options;
  }

  reports(): RemoveReport[] {
    return this.#order.map((id) => this.#reports.get(id)!);
  }

  async #write(event: Omit<ImageEvent, "time">): Promise<void> {
    await this.#ctx.events.write({ ...event, time: this.#ctx.now() });
  }

  async #containersOf(id: string): Promise<ContainerInfo[]> {
    if (!this.#ctx.listContainers) return [];
    return (await this.#ctx.listContainers()).filter((c) => c.imageId === id);
  }

  async remove(id: string, referral: Referral | undefined): Promise<void> {
    let record = this.#records.get(id);
    if (!record) return;
    if (record.readOnly) {
      throw new ImageConflictError("remove image", id, "image is read-only");
    }
    try {
      let report = this.#reports.get(id);
      if (report?.removed) return;
      if (!report) {
        report = { id, removed: false, size: 0, untagged: [] };
        this.#reports.set(id, report);
      }
      if (this.#options.withSize) report.size = record.size;
      const count = record.names.length;
      if (referral && count !== 1) {
        if (!this.#options.force && count > 1 && (referral.byId || referral.byDigest)) {
          const how = referral.byId ? "ID" : "digest";
          throw new ImageConflictError(
            "remove image",
            id,
            `unable to delete image by ${how} with more than one tag (${
              goList(record.names)
            }): please force removal`,
          );
        }
        if (!referral.byId && !referral.byDigest) {
          record = await this.#untag(record, referral.name, report);
          if (!this.#order.includes(id)) this.#order.push(id);
          if (record.names.length > 0) return;
        }
      }
      if (!this.#order.includes(id)) this.#order.push(id);
      await this.#removeContainers(id);
      const hasChildren = await this.#tree.hasChildren(record).catch((error) => {
        this.#ctx.warn(`Failed to determine if an image is a parent: ${error}, ignoring the error`);
        return false;
      });
      const parent = await this.#tree.parent(record).catch((error) => {
        this.#ctx.warn(`Failed to determine parent of image: ${error}, ignoring the error`);
        return undefined;
      });
      if ((await this.#containersOf(id)).length > 0) {
        throw new ImageConflictError("remove image", id, IN_USE);
      }
      try {
        await this.#ctx.store.deleteImage(id);
      } catch (error) {
        if (!isUnknown(error)) throw error;
      }
      this.#records.delete(id);
      this.#tree.delete(id);
      report.untagged.push(...record.names);
      for (const name of record.names) await this.#write({ type: "untag", id, name });
      if (!hasChildren) report.removed = true;
      if (this.#options.noPrune || !parent) return;
      const current = this.#records.get(parent.id);
      if (!current) return;
      const dangling = await this.#tree.isDangling(current).catch(() => false);
      if (dangling) await this.remove(parent.id, undefined);
    } finally {
      await this.#write({ type: "remove", id, name: referral?.name ?? "" });
    }
  }

  async #untag(record: ImageRecord, name: string, report: RemoveReport): Promise<ImageRecord> {
    try {
      if (!record.names.includes(name)) {
        throw new TagError("untag", name, "tag not known", 404);
      }
      const updated = await this.#ctx.store.changeNames(record.id, { remove: [name] });
      this.#records.set(record.id, updated);
      this.#tree.update(updated);
      report.untagged.push(name);
      return updated;
    } finally {
      await this.#write({ type: "untag", id: record.id, name });
    }
  }

  async #removeContainers(id: string): Promise<void> {
    const { force, externalContainers } = this.#options;
    if (!force && !externalContainers) return;
    const containers = await this.#containersOf(id);
    if (!force) {
      for (const container of containers) {
        if (!container.external) {
          throw new ImageConflictError(
            "remove image",
            id,
            `cannot remove container ${container.id}: not an external container`,
          );
        }
      }
    }
    if (!this.#ctx.removeContainer) return;
    for (const container of containers) await this.#ctx.removeContainer(container.id);
  }
}
