/**
 * libimage's naming conventions on top of the Docker grammar: `NormalizeName` (short names
 * live under `localhost/`), the short-name test of containers/image's `pkg/shortnames`, and
 * Docker's "a digest beats a tag" rule.
 *
 * @module
 */

import { rethrowFor } from "./_errors.ts";
import { parseNormalizedName, parseReference } from "./parse_reference.ts";
import type { Reference } from "./reference.ts";

/** The domain libimage gives to local names without a registry. */
export const LOCALHOST_DOMAIN = "localhost";

/** Whether an unnormalized domain names a registry: contains `.` or `:`, or is `localhost`. */
function isRegistryDomain(domain: string): boolean {
  return domain === LOCALHOST_DOMAIN || domain.includes(".") || domain.includes(":");
}

/**
 * Normalizes a name the way Podman and Buildah store it (libimage's `NormalizeName`):
 * a short name goes under `localhost/`, `docker.io` names get `library/` when needed, a
 * tag next to a digest is dropped, and a bare name gets `:latest`.
 *
 * Like libimage, this does not reject `sha256:…` or 64-hex inputs (they become
 * `localhost/sha256:…` and `localhost/<hex>:latest`); callers that must refuse IDs (tag,
 * untag) check {@linkcode isImageId} first.
 *
 * @example
 * ```ts
 * import { normalizeName } from "./mod.ts";
 * normalizeName("busybox").toString(); // "localhost/busybox:latest"
 * normalizeName("docker.io/busybox").toString(); // "docker.io/library/busybox:latest"
 * ```
 *
 * @throws {InvalidReferenceError} when `input` does not parse (errors name `input`).
 */
export function normalizeName(input: string): Reference {
  const ref = parseReference(input);
  let name = input;
  if (!isRegistryDomain(ref.domain)) name = `${LOCALHOST_DOMAIN}/${ref.toString()}`;
  let named: Reference;
  try {
    named = parseNormalizedName(name);
  } catch (error) {
    rethrowFor(input, error);
  }
  return named.tag !== undefined && named.digest !== undefined
    ? named.withoutTag()
    : named.tagNameOnly();
}

/**
 * Whether `input` is a short name (containers/image `shortnames.IsShortName`): it parses,
 * and its unnormalized first component is not a registry (no `.` or `:`, not `localhost`).
 *
 * Short: `fedora`, `fedora:latest`, `library/fedora`, `busybox@sha256:…` (a digest does
 * not make a name qualified). Not short: `quay.io/fedora`, `localhost/fedora`,
 * `localhost:5000/fedora`, `docker.io/fedora`, and anything that does not parse.
 */
export function isShortName(input: string): boolean {
  let ref: Reference;
  try {
    ref = parseReference(input);
  } catch {
    return false;
  }
  return !isRegistryDomain(ref.domain);
}

/**
 * `ref` without its tag when it has both a tag and a digest (Docker compatibility: the
 * digest is the only source of truth); otherwise `ref` itself.
 *
 * @example
 * ```ts
 * import { parseReference, stripTagIfDigested } from "./mod.ts";
 * const ref = parseReference("fedora:39@sha256:" + "0".repeat(64));
 * stripTagIfDigested(ref).toString(); // "fedora@sha256:000…"
 * ```
 */
export function stripTagIfDigested(ref: Reference): Reference {
  return ref.tag !== undefined && ref.digest !== undefined ? ref.withoutTag() : ref;
}
