/**
 * Listing local images with libimage's filters (`ListImages`).
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";
import type { RuntimeContext } from "./context.ts";
import { ImageView } from "./_image_view.ts";
import { isCorruption } from "./_corruption.ts";
import { applyFilters, compileImageFilters, createdOf } from "./filters/compile_filters.ts";
import { repoDigests, repoTags } from "./_names.ts";

/** Options of {@linkcode listImages}. */
export interface ListImagesOptions {
  /**
   * Filters, `key=value` or `key!=value`: `after`/`since`, `before`, `until`,
   * `containers`, `dangling`, `intermediate`, `readonly`, `manifest`, `id`, `digest`,
   * `label`, `reference`. @default []
   */
  filters?: string[];
  /**
   * Fill `dangling`, `intermediate`, `parent`, `labels` and `containers` (one shared
   * layer tree; reads the configs of the listed images). When false they are left at
   * `false`, `""`, `{}` and `0`. @default true
   */
  listData?: boolean;
}

/** One listed image. */
export interface ImageSummary {
  /** The image ID. */
  id: string;
  /** Its names (only the matching ones after a single tagged `reference` filter). */
  names: string[];
  /** The tagged names. */
  repoTags: string[];
  /** `repository@digest` for each name and digest, sorted. */
  repoDigests: string[];
  /** The digest of its manifest. */
  digest: string;
  /** Every digest identifying it. */
  digests: string[];
  /** When it was created (the zero time when unknown). */
  created: Date;
  /** Its stored size in bytes. */
  size: number;
  /** Whether it is read-only. */
  readOnly: boolean;
  /** Whether it is a manifest list. */
  isManifestList: boolean;
  /** No names, no children, not in a local manifest list. */
  dangling: boolean;
  /** No names, but children. */
  intermediate: boolean;
  /** The parent image's ID, or "". */
  parent: string;
  /** The config's labels ({} for lists). */
  labels: Record<string, string>;
  /** How many containers use it. */
  containers: number;
  /** Every name it ever had, most recent first. */
  namesHistory: string[];
}

/**
 * The images that pass every filter, in store order.
 *
 * @throws {InvalidFilterError} for a bad filter.
 * @example
 * ```ts ignore
 * const images = await listImages(ctx, { filters: ["reference=alpine*", "dangling=false"] });
 * ```
 */
export async function listImages(
  ctx: RuntimeContext,
  options: ListImagesOptions = {},
): Promise<ImageSummary[]> {
  const view = await ImageView.load(ctx, { sizes: true });
  const { records, names } = await filterImages(ctx, view, options.filters ?? []);
  const out: ImageSummary[] = [];
  for (const record of records) {
    out.push(
      await summarize(ctx, view, record, names.get(record.id), options.listData ?? true),
    );
  }
  return out;
}

/**
 * The records of `view` that pass `filters`, and the rewritten names of a single tagged
 * `reference` filter.
 */
export async function filterImages(
  ctx: RuntimeContext,
  view: ImageView,
  filters: string[],
): Promise<{ records: ImageRecord[]; names: Map<string, string[]> }> {
  const names = new Map<string, string[]>();
  if (filters.length === 0) return { records: view.records, names };
  const compiled = await compileImageFilters(ctx, view, filters);
  const records: ImageRecord[] = [];
  for (const record of view.records) {
    const passed = applyFilters(ctx, compiled, record);
    if (!(typeof passed === "boolean" ? passed : await passed)) continue;
    records.push(record);
    const rewritten = compiled.reference?.rewriteNames(record);
    if (rewritten && rewritten.length > 0) names.set(record.id, rewritten);
  }
  return { records, names };
}

async function summarize(
  ctx: RuntimeContext,
  view: ImageView,
  record: ImageRecord,
  names: string[] = record.names,
  listData: boolean,
): Promise<ImageSummary> {
  const summary: ImageSummary = {
    id: record.id,
    names: [...names],
    repoTags: repoTags(names),
    repoDigests: repoDigests(record, names),
    digest: record.digests[0] ?? record.manifestDigest,
    digests: [...record.digests],
    created: new Date(createdOf(record)),
    size: record.size,
    readOnly: record.readOnly,
    isManifestList: record.isManifestList,
    dangling: false,
    intermediate: false,
    parent: "",
    labels: {},
    containers: 0,
    namesHistory: [...record.namesHistory],
  };
  if (!listData) return summary;
  summary.containers = (await view.containers()).get(record.id)?.length ?? 0;
  try {
    const tree = await view.tree();
    summary.labels = await view.labels(record);
    summary.dangling = await tree.isDangling(record);
    summary.intermediate = await tree.isIntermediate(record);
    summary.parent = (await tree.parent(record))?.id ?? "";
  } catch (error) {
    // A corrupted image is listed without the data that needs its config; any other
    // failure (a lock timeout, an I/O error) is the caller's to see.
    if (!(await isCorruption(ctx, record, error))) throw error;
  }
  return summary;
}
