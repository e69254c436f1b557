/**
 * Listing the images of a `docker save` archive (with their tags) without extracting it.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { InvalidArchiveError } from "../../errors.ts";
import { openArchiveStream, readTarFiles } from "../_tar/mod.ts";
import { legacyImages, parseArchiveManifest, parseRepositories } from "./_archive_format.ts";

/** One image of a docker archive. */
export interface DockerArchiveImage {
  /** The tags as stored (e.g. `docker.io/library/alpine:latest`); may be empty. */
  repoTags: string[];
  /** The position, usable as `docker-archive:PATH:@INDEX`. */
  index: number;
}

/** Lists the images of the docker archive at `path`. */
export async function listDockerArchiveImages(
  fs: FileSystem,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<DockerArchiveImage[]> {
  const what = `docker-archive:${path}`;
  const files = await readTarFiles(
    await openArchiveStream(fs, path),
    (name) => name === "manifest.json" || name === "repositories",
    { what, signal: options.signal },
  );
  const manifest = files.get("manifest.json");
  if (manifest !== undefined) {
    return parseArchiveManifest(manifest, what).map((item, index) => ({
      repoTags: item.RepoTags ?? [],
      index,
    }));
  }
  const repositories = files.get("repositories");
  if (repositories !== undefined) {
    return legacyImages(parseRepositories(repositories, what)).map((image, index) => ({
      repoTags: image.repoTags,
      index,
    }));
  }
  throw new InvalidArchiveError(
    what,
    "Missing",
    "neither manifest.json nor repositories: not a docker archive",
  );
}
