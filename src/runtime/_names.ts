/**
 * Name helpers over stored (full, normalized) image names: repository tags, repository
 * digests and name/tag pairs, computed with string operations only.
 *
 * @module
 */
import type { ImageRecord } from "../store/types.ts";

/** A stored name split into repository, tag and digest. */
export interface NameParts {
  /** `domain/path`. */
  repository: string;
  /** The tag, if any. */
  tag: string | undefined;
  /** The digest, if any. */
  digest: string | undefined;
}

/** Splits a full name (`domain/path[:tag][@digest]`). */
export function splitName(name: string): NameParts {
  const at = name.indexOf("@");
  const bare = at < 0 ? name : name.slice(0, at);
  const slash = bare.lastIndexOf("/");
  const colon = bare.lastIndexOf(":");
  const hasTag = colon > slash;
  return {
    repository: hasTag ? bare.slice(0, colon) : bare,
    tag: hasTag ? bare.slice(colon + 1) : undefined,
    digest: at < 0 ? undefined : name.slice(at + 1),
  };
}

/** The names that carry a tag (libimage's RepoTags). */
export function repoTags(names: readonly string[]): string[] {
  return names.filter((name) => {
    const parts = splitName(name);
    return parts.tag !== undefined && parts.digest === undefined;
  });
}

/** Every `repository@digest` of the image's names and digests, deduplicated and sorted. */
export function repoDigests(
  record: ImageRecord,
  names: readonly string[] = record.names,
): string[] {
  const digests = [...record.digests, record.manifestDigest].filter((d) => d !== "");
  const out = new Set<string>();
  for (const name of names) {
    const repository = splitName(name).repository;
    for (const digest of digests) out.add(`${repository}@${digest}`);
  }
  return [...out].sort();
}

/** Name/tag pairs of the image (`<none>` for missing parts), as `ToNameTagPairs`. */
export function nameTagPairs(names: readonly string[]): { name: string; tag: string }[] {
  if (names.length === 0) return [{ name: "<none>", tag: "<none>" }];
  return names.map((n) => {
    const parts = splitName(n);
    return { name: parts.repository, tag: parts.tag ?? "<none>" };
  });
}

/** Formats a list the way Go prints a `[]string`: `[a b c]`. */
export function goList(values: readonly string[]): string {
  return `[${values.join(" ")}]`;
}
