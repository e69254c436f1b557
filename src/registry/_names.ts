/**
 * Checks of the repository names, tags and digests the client puts into URL paths, and
 * the names its error messages use.
 *
 * @module
 */
import { InvalidReferenceError } from "../errors.ts";
import { isValidTag } from "../reference/mod.ts";
import { Digest } from "../digest/mod.ts";

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** Throws unless `repo` is a repository path (`a/b/c`, lower case, no host). */
export function checkRepository(repo: string): void {
  if (repo === "") throw new InvalidReferenceError(repo, "NameEmpty", "repository name is empty");
  if (repo.length > 255) {
    throw new InvalidReferenceError(repo, "NameTooLong", "repository name is too long");
  }
  if (!repo.split("/").every((part) => COMPONENT.test(part))) {
    throw new InvalidReferenceError(repo, "InvalidFormat", "invalid repository name");
  }
}

/** Whether `reference` is a digest rather than a tag. */
export function isDigestReference(reference: string): boolean {
  return reference.includes(":");
}

/** Throws unless `reference` is a tag or a supported digest. */
export function checkTagOrDigest(reference: string): void {
  if (isDigestReference(reference)) Digest.parse(reference);
  else if (!isValidTag(reference)) {
    throw new InvalidReferenceError(reference, "TagInvalidFormat", "invalid tag");
  }
}

/** `registry/repo:tag` or `registry/repo@digest`. */
export function describeRef(registry: string, repo: string, reference?: string): string {
  if (reference === undefined) return `${registry}/${repo}`;
  return `${registry}/${repo}${isDigestReference(reference) ? "@" : ":"}${reference}`;
}

/** The token scope to read (`pull`) or write (`pull,push`) a repository. */
export function repoScope(repo: string, actions: string): string {
  return `repository:${repo}:${actions}`;
}
