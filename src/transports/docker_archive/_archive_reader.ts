/**
 * Opening a `docker save` archive for reading: safe extraction into a temporary folder,
 * then the list of images it holds (current `manifest.json` or legacy layout).
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { InvalidArchiveError } from "../../errors.ts";
import { type ExtractedArchive, extractTar, openArchiveStream } from "../_tar/mod.ts";
import { gunzipIfCompressed, sha256Digest } from "../_streams.ts";
import { digestingStream } from "../../digest/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import type { ArchiveFiles } from "../types.ts";
import { legacyImages, parseArchiveManifest, parseRepositories } from "./_archive_format.ts";

/** One image of an opened archive. */
export interface ArchiveImage {
  /** The tags as stored in the archive. */
  repoTags: string[];
  /** The config bytes (as stored, or synthesized for a legacy image). */
  config: Uint8Array;
  /** The layer files in the archive, base first. */
  layers: string[];
}

/** An extracted archive and its images. */
export interface OpenedArchive {
  /** The extracted files. */
  files: ExtractedArchive;
  /** The images, in archive order. */
  images: ArchiveImage[];
}

/** Extracts the archive at `path` under `root` and lists its images. */
export async function openDockerArchive(
  fs: FileSystem,
  path: string,
  root: string,
  options: { what: string; signal?: AbortSignal },
): Promise<OpenedArchive> {
  const files = await extractTar(fs, await openArchiveStream(fs, path), root, options);
  try {
    return { files, images: await readArchiveImages(files, options.what) };
  } catch (error) {
    await files.remove().catch(() => {});
    throw error;
  }
}

/** Lists the images of an extracted docker archive (`manifest.json` or legacy layout). */
export async function readArchiveImages(
  files: ArchiveFiles,
  what: string,
): Promise<ArchiveImage[]> {
  if (files.has("manifest.json")) {
    const items = parseArchiveManifest(await files.readFile("manifest.json"), what);
    const images: ArchiveImage[] = [];
    for (const item of items) {
      for (const layer of item.Layers) files.realPath(layer);
      images.push({
        repoTags: item.RepoTags ?? [],
        config: await files.readFile(item.Config),
        layers: item.Layers,
      });
    }
    return images;
  }
  if (files.has("repositories")) {
    const repositories = parseRepositories(await files.readFile("repositories"), what);
    const images: ArchiveImage[] = [];
    for (const { id, repoTags } of legacyImages(repositories)) {
      images.push({ repoTags, ...await legacyImage(files, id, what) });
    }
    return images;
  }
  throw new InvalidArchiveError(
    what,
    "Missing",
    "neither manifest.json nor repositories: not a docker archive",
  );
}

/** Rebuilds config and layer list of a legacy image from its `<id>/json` parent chain. */
async function legacyImage(
  files: ArchiveFiles,
  topId: string,
  what: string,
): Promise<{ config: Uint8Array; layers: string[] }> {
  const chain: string[] = [];
  let top: Record<string, unknown> | undefined;
  for (let id: string | undefined = topId; id !== undefined;) {
    if (chain.includes(id) || chain.length > 1000) {
      throw new InvalidArchiveError(what, "Format", `layer "${id}" has a parent loop`);
    }
    chain.unshift(id);
    const json = parseJsonObject(await files.readFile(`${id}/json`), `${what}/${id}/json`);
    top ??= json;
    const parent = json.parent;
    id = typeof parent === "string" && parent !== "" ? parent : undefined;
  }
  const layers = chain.map((id) => `${id}/layer.tar`);
  const diffIds: string[] = [];
  for (const layer of layers) {
    const tap = digestingStream();
    const stream = await gunzipIfCompressed(await files.open(layer), `${what}/${layer}`);
    await stream.pipeThrough(tap).pipeTo(new WritableStream());
    diffIds.push((await tap.result).digest.toString());
  }
  const config: Record<string, unknown> = { ...top };
  for (const key of ["id", "parent", "Size", "parent_id", "layer_id", "throwaway"]) {
    delete config[key];
  }
  config.rootfs = { type: "layers", diff_ids: diffIds };
  return { config: new TextEncoder().encode(JSON.stringify(config)), layers };
}

/** The digest of a config. */
export function configDigest(config: Uint8Array): string {
  return sha256Digest(config);
}
