/**
 * The `docker save` archive format: `manifest.json` (`Config`, `RepoTags`, `Layers`) and
 * the legacy `repositories` + `<id>/json` + `<id>/layer.tar` layout.
 *
 * @module
 */
import { InvalidArchiveError } from "../../errors.ts";
import { parseJsonObject } from "../_manifest_type.ts";

/** One `manifest.json` item. */
export interface ArchiveManifestItem {
  /** The config file's path in the archive. */
  Config: string;
  /** The tags, as stored (e.g. `docker.io/library/alpine:latest` or `alpine:latest`). */
  RepoTags: string[] | null;
  /** The layer files' paths in the archive, base first. */
  Layers: string[];
}

/** Parses and checks `manifest.json`. */
export function parseArchiveManifest(bytes: Uint8Array, what: string): ArchiveManifestItem[] {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new InvalidArchiveError(what, "Format", "manifest.json is not valid JSON", {
      cause: error,
    });
  }
  if (!Array.isArray(value)) {
    throw new InvalidArchiveError(what, "Format", "manifest.json is not an array");
  }
  return value.map((item, position) => {
    const ok = typeof item === "object" && item !== null &&
      typeof item.Config === "string" && Array.isArray(item.Layers) &&
      item.Layers.every((layer: unknown) => typeof layer === "string") &&
      (item.RepoTags === null || item.RepoTags === undefined ||
        (Array.isArray(item.RepoTags) &&
          item.RepoTags.every((tag: unknown) => typeof tag === "string")));
    if (!ok) {
      throw new InvalidArchiveError(what, "Format", `manifest.json item ${position} is malformed`);
    }
    return { Config: item.Config, RepoTags: item.RepoTags ?? null, Layers: item.Layers };
  });
}

/** The legacy `repositories` file: repository name → tag → top layer ID. */
export type RepositoriesFile = Record<string, Record<string, string>>;

/** Parses and checks `repositories`. */
export function parseRepositories(bytes: Uint8Array, what: string): RepositoriesFile {
  const doc = parseJsonObject(bytes, `${what}/repositories`);
  for (const [repo, tags] of Object.entries(doc)) {
    if (typeof tags !== "object" || tags === null || Array.isArray(tags)) {
      throw new InvalidArchiveError(what, "Format", `repositories entry "${repo}" is malformed`);
    }
    for (const id of Object.values(tags)) {
      if (typeof id !== "string" || !/^[0-9a-f]{64}$/.test(id)) {
        throw new InvalidArchiveError(what, "Format", `repositories entry "${repo}" is malformed`);
      }
    }
  }
  return doc as RepositoriesFile;
}

/** The images a legacy `repositories` file describes: top layer ID and its tags. */
export function legacyImages(repositories: RepositoriesFile): { id: string; repoTags: string[] }[] {
  const byId = new Map<string, string[]>();
  for (const [repo, tags] of Object.entries(repositories)) {
    for (const [tag, id] of Object.entries(tags)) {
      const list = byId.get(id) ?? [];
      list.push(`${repo}:${tag}`);
      byId.set(id, list);
    }
  }
  return [...byId].map(([id, repoTags]) => ({ id, repoTags }));
}

/** Serializes like Go's `encoding/json` does for maps: keys sorted, compact. */
export function sortedJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(sortedJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const keys = Object.keys(value).sort();
    return `{${
      keys.map((key) =>
        `${JSON.stringify(key)}:${sortedJson((value as Record<string, unknown>)[key])}`
      ).join(",")
    }}`;
  }
  return JSON.stringify(value ?? null);
}
