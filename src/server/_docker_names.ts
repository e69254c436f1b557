/**
 * Docker's naming rules at the Engine API boundary: names given by the client are
 * normalized the Docker way (`alpine` is `docker.io/library/alpine:latest`), names shown
 * to it are familiar (`alpine:latest`), and lookups fall back from stevedore's rules to
 * Docker's.
 *
 * @module
 */
import { ImageNotFoundError } from "../errors.ts";
import { isImageId, isShortName, parseNormalizedName } from "../reference/mod.ts";
import type { LookupResult, Runtime } from "../runtime/mod.ts";

/** The familiar form of a full name (`docker.io/library/alpine:3` → `alpine:3`). */
export function familiar(name: string): string {
  try {
    return parseNormalizedName(name).familiarString();
  } catch {
    return name;
  }
}

/** `sha256:<id>` for a bare image ID. */
export function prefixedId(id: string): string {
  return id.startsWith("sha256:") ? id : `sha256:${id}`;
}

/**
 * The full reference Docker means by `image` and the optional separate `tag` (a tag or a
 * digest), e.g. (`127.0.0.1:5000/app`, `v1`) → `127.0.0.1:5000/app:v1`.
 *
 * @throws {InvalidReferenceError} when it does not parse.
 */
export function dockerReference(image: string, tag = ""): string {
  let ref = parseNormalizedName(image);
  if (tag !== "") ref = tag.includes(":") ? ref.withDigest(tag) : ref.withTag(tag);
  if (ref.tag !== undefined && ref.digest !== undefined) ref = ref.withoutTag();
  return ref.tagNameOnly().toString();
}

/** The Docker-normalized form of a short name, or undefined when it has none. */
function dockerForm(name: string): string | undefined {
  if (isImageId(name) || name.startsWith("sha256:") || !isShortName(name)) return undefined;
  try {
    return dockerReference(name);
  } catch {
    return undefined;
  }
}

/**
 * Looks an image up by the name a Docker client sent: stevedore's rules first, then, for
 * a short name, its Docker-normalized form.
 *
 * @throws {ImageNotFoundError} naming the input when neither matches.
 */
export async function lookupDocker(runtime: Runtime, name: string): Promise<LookupResult> {
  try {
    return await runtime.lookupImage(name);
  } catch (error) {
    const alternative = error instanceof ImageNotFoundError ? dockerForm(name) : undefined;
    if (alternative === undefined) throw error;
    try {
      return await runtime.lookupImage(alternative);
    } catch {
      throw error;
    }
  }
}

/** The name to hand to a runtime operation for what `lookupDocker` found. */
export function operand(found: LookupResult): string {
  return found.byId || found.resolvedName === "" ? found.image.id : found.resolvedName;
}
