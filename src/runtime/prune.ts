/**
 * Pruning images (Podman's `image prune` over libimage's `RemoveImages`): dangling images,
 * or with `all` every image no container uses, repeated until nothing more goes; then
 * what killed or cancelled work left in the store.
 *
 * @module
 */
import type { StoreLeftover } from "../store/types.ts";
import type { RuntimeContext } from "./context.ts";
import { removeImages, type RemoveImagesResult, type RemoveReport } from "./remove_images.ts";

/** Options of {@linkcode prune}. */
export interface PruneOptions {
  /** Remove every image without containers, not only dangling ones. @default false */
  all?: boolean;
  /** Further filters (e.g. `until=24h`, `label=x`). @default [] */
  filters?: string[];
  /** Also remove images whose containers are all external ones. @default false */
  external?: boolean;
}

/** What {@linkcode prune} removed. */
export interface PruneResult extends RemoveImagesResult {
  /**
   * The temporary files, blob leases and blobs that processes which no longer run left in
   * the store, removed too.
   */
  leftovers: StoreLeftover[];
}

/**
 * Removes dangling images (or all unused ones with `all`), with their sizes in the
 * reports; read-only images and images with containers are kept. Then removes the
 * leftovers of processes that no longer run (temporary files, leases, blobs only they
 * kept).
 *
 * @example
 * ```ts ignore
 * const { reports } = await prune(ctx, { all: true });
 * ```
 */
export async function prune(
  ctx: RuntimeContext,
  options: PruneOptions = {},
): Promise<PruneResult> {
  const filters = [...(options.filters ?? []), "readonly=false"];
  if (!options.all) filters.push("dangling=true");
  filters.push(options.external ? "containers=external" : "containers=false");
  const reports: RemoveReport[] = [];
  const errors: Error[] = [];
  for (;;) {
    const round = await removeImages(ctx, [], {
      filters,
      withSize: true,
      externalContainers: options.external,
    });
    reports.push(...round.reports);
    errors.push(...round.errors);
    if (round.errors.length > 0 || !round.reports.some((r) => r.removed)) break;
  }
  const leftovers = await ctx.store.removeLeftovers?.() ?? [];
  return { reports, errors, leftovers };
}
