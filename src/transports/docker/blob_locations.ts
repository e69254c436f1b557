/**
 * A record of which repositories of which registries hold a blob, so a push can mount a
 * blob from a sibling repository instead of uploading it again.
 *
 * @module
 */

/** The most repositories remembered per blob; older ones are forgotten first. */
const MAX_REPOS_PER_BLOB = 16;

/**
 * Where blobs were seen: registry host → digest → repositories, most recent last.
 *
 * @example
 * ```ts
 * import { BlobLocations } from "./blob_locations.ts";
 * const locations = new BlobLocations();
 * locations.add("localhost:5000", "team/base", "sha256:" + "a".repeat(64));
 * locations.candidates("localhost:5000", "sha256:" + "a".repeat(64), "team/app"); // ["team/base"]
 * ```
 */
export class BlobLocations {
  readonly #seen = new Map<string, Map<string, string[]>>();

  /** Records that `repo` of `registry` holds `digest`. */
  add(registry: string, repo: string, digest: string): void {
    let byDigest = this.#seen.get(registry);
    if (byDigest === undefined) this.#seen.set(registry, byDigest = new Map());
    const repos = (byDigest.get(digest) ?? []).filter((r) => r !== repo);
    repos.push(repo);
    if (repos.length > MAX_REPOS_PER_BLOB) repos.shift();
    byDigest.set(digest, repos);
  }

  /** The repositories of `registry` known to hold `digest`, most recent first, except `exclude`. */
  candidates(registry: string, digest: string, exclude?: string): string[] {
    const repos = this.#seen.get(registry)?.get(digest) ?? [];
    return repos.filter((r) => r !== exclude).reverse();
  }
}
