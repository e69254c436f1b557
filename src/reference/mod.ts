/**
 * Image references, parsed and normalized exactly like containers/image's
 * `docker/reference` (`docker.io/library/` defaults, familiar names, tags, sha256/sha512
 * digests, bracketed IPv6 hosts), plus libimage's naming rules (`localhost/` for short
 * names, the short-name test, a digest beats a tag) and image-ID helpers.
 *
 * @example
 * ```ts
 * import { normalizeName, parseNormalizedName } from "./mod.ts";
 * const ref = parseNormalizedName("alpine:3");
 * ref.toString(); // "docker.io/library/alpine:3"
 * ref.familiarString(); // "alpine:3"
 * normalizeName("myapp").toString(); // "localhost/myapp:latest"
 * ```
 *
 * @module
 */
export type { AnyReference, DigestReference, Reference } from "./reference.ts";
export {
  DEFAULT_DOMAIN,
  DEFAULT_TAG,
  familiarName,
  familiarString,
  isDigestReference,
  isReference,
  LEGACY_DEFAULT_DOMAIN,
  NAME_TOTAL_LENGTH_MAX,
  OFFICIAL_REPO_PREFIX,
  TAG_LENGTH_MAX,
  tagNameOnly,
  trimNamed,
} from "./reference.ts";
export {
  isValidDigest,
  isValidDomain,
  isValidTag,
  parseAnyReference,
  parseDockerRef,
  parseNamed,
  parseNormalizedName,
  parseReference,
} from "./parse_reference.ts";
export {
  isShortName,
  LOCALHOST_DOMAIN,
  normalizeName,
  stripTagIfDigested,
} from "./normalize_name.ts";
export { isFullIdentifier, isIdPrefixLike, isImageId, parseImageId } from "./image_id.ts";
