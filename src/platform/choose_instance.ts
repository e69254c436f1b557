/**
 * Picking the manifest for a platform out of an index or manifest list.
 *
 * @module
 */
import type { Descriptor, ImageIndex, Platform } from "../types/mod.ts";
import { type MatchOptions, platformRank } from "./platform_matches.ts";

/**
 * The entries of `index` whose platform can run where `want` is wanted, best first: an
 * exact platform before compatible older variants (containerd's order), and the index's
 * own order among equals. Entries without a platform are skipped.
 *
 * @example
 * ```ts
 * import { sortInstances } from "./choose_instance.ts";
 * const index = {
 *   schemaVersion: 2 as const,
 *   manifests: [
 *     { mediaType: "m", digest: "sha256:" + "1".repeat(64), size: 1, platform: { os: "linux", architecture: "arm", variant: "v6" } },
 *     { mediaType: "m", digest: "sha256:" + "2".repeat(64), size: 1, platform: { os: "linux", architecture: "arm", variant: "v7" } },
 *   ],
 * };
 * sortInstances(index, { os: "linux", architecture: "arm", variant: "v7" }).length; // 2, v7 first
 * ```
 */
export function sortInstances(
  index: ImageIndex,
  want: Platform,
  options: MatchOptions = {},
): Descriptor[] {
  const ranked: { rank: number; revision: number; position: number; entry: Descriptor }[] = [];
  index.manifests.forEach((entry, position) => {
    if (entry.platform === undefined) return;
    const rank = platformRank(want, entry.platform, options);
    if (rank === -1) return;
    ranked.push({ rank, revision: windowsRevision(entry.platform), position, entry });
  });
  ranked.sort((a, b) => a.rank - b.rank || b.revision - a.revision || a.position - b.position);
  return ranked.map((r) => r.entry);
}

function windowsRevision(platform: Platform): number {
  if (platform.os.toLowerCase() !== "windows") return 0;
  const parts = (platform["os.version"] ?? "").split(".");
  const n = Number(parts[3]);
  return parts.length >= 4 && Number.isInteger(n) ? n : 0;
}

/**
 * The entry of `index` best for `want` (see {@linkcode sortInstances}), or `undefined`
 * when none can run there.
 *
 * @example
 * ```ts
 * import { chooseInstance } from "./choose_instance.ts";
 * const index = { schemaVersion: 2 as const, manifests: [] };
 * chooseInstance(index, { os: "linux", architecture: "amd64" }); // undefined
 * ```
 */
export function chooseInstance(
  index: ImageIndex,
  want: Platform,
  options: MatchOptions = {},
): Descriptor | undefined {
  return sortInstances(index, want, options)[0];
}
