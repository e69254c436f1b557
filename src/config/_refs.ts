/**
 * Small helpers over image references that short-name resolution and aliases share.
 *
 * @module
 */
import { parseReference, type Reference } from "../reference/mod.ts";

/** A name split into its repository part and its tag and digest, as written. */
export interface SplitName {
  /** The repository, as written (not normalized), e.g. `fedora` or `library/fedora`. */
  repository: string;
  /** The tag, if any. */
  tag?: string;
  /** The digest, if any. */
  digest?: string;
}

/** Splits `input` into repository, tag and digest without normalizing anything. */
export function splitName(input: string): SplitName {
  const ref = parseReference(input);
  return { repository: ref.name, tag: ref.tag, digest: ref.digest };
}

/** `ref` with `tag` and `digest` (when given) put on it. */
export function compose(ref: Reference, tag?: string, digest?: string): Reference {
  let result = ref;
  if (tag !== undefined) result = result.withTag(tag);
  if (digest !== undefined) result = result.withDigest(digest);
  return result;
}
