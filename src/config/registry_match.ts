/**
 * Matching image names against `[[registry]]` prefixes, and the list of places to pull
 * an image from (mirrors, then the registry itself).
 *
 * @module
 */
import { parseNormalizedName, type Reference } from "../reference/mod.ts";
import { DeniedError } from "../errors.ts";
import type { RegistriesConf, RegistryConfig } from "./registries_conf.ts";

/** One place to try when pulling. */
export interface PullSource {
  /** The reference rewritten for this endpoint. */
  reference: Reference;
  /** The endpoint's location (host[:port][/namespace]). */
  location: string;
  /** Skip TLS verification and allow plain HTTP. */
  insecure: boolean;
  /** True for a mirror, false for the registry itself. */
  mirror: boolean;
  /** The `ns` query parameter for a registry proxy, if any. */
  namespaceProxy?: string;
}

/**
 * How many leading characters of `name` the `prefix` covers, or -1 when it does not
 * match. `name` must start with a host. `*.example.com` matches any subdomain host.
 */
export function prefixMatchLength(name: string, prefix: string): number {
  let end: number;
  if (prefix.startsWith("*.")) {
    const suffix = prefix.slice(1);
    const index = name.indexOf(suffix);
    if (index === -1 || name.slice(0, index).includes("/")) return -1;
    end = index + suffix.length;
  } else {
    if (!name.startsWith(prefix)) return -1;
    end = prefix.length;
  }
  if (end === name.length) return end;
  // Like containers/image, "example.com:5000" is (unintentionally) matched by "example.com".
  return ":/@".includes(name[end]) ? end : -1;
}

/**
 * The registry whose prefix matches `name` (a host, namespace, repository or full
 * reference starting with a host) with the longest prefix, or undefined.
 *
 * @example
 * ```ts
 * import { emptyRegistriesConf } from "./registries_conf.ts";
 * import { findRegistry } from "./registry_match.ts";
 * findRegistry(emptyRegistriesConf(), "quay.io/podman/stable"); // undefined
 * ```
 */
export function findRegistry(conf: RegistriesConf, name: string): RegistryConfig | undefined {
  let best: RegistryConfig | undefined;
  for (const registry of conf.registries) {
    if (prefixMatchLength(name, registry.prefix) === -1) continue;
    if (!best || registry.prefix.length > best.prefix.length) best = registry;
  }
  return best;
}

function rewrite(ref: Reference, prefix: string, location: string): Reference {
  if (location === "") return ref;
  const text = ref.toString();
  const length = prefixMatchLength(text, prefix);
  if (length === -1) throw new TypeError(`Prefix "${prefix}" does not match "${text}"`);
  return parseNormalizedName(location + text.slice(length));
}

/**
 * Where to pull `ref` from: the matching registry's mirrors (those that serve this kind
 * of pull: `pull-from-mirror` = digest-only / tag-only, or `mirror-by-digest-only`), then
 * the registry's own location, each with the reference rewritten from the prefix to the
 * location. Without a matching registry, `ref` itself. Throws a {@linkcode DeniedError}
 * for a blocked registry.
 */
export function pullSources(conf: RegistriesConf, ref: Reference): PullSource[] {
  const registry = findRegistry(conf, ref.name);
  if (!registry) {
    return [{ reference: ref, location: ref.domain, insecure: false, mirror: false }];
  }
  if (registry.blocked) {
    const where = conf.files.length > 0 ? conf.files.join(", ") : registry.file;
    throw new DeniedError(
      ref.toString(),
      `registry ${registry.prefix} is blocked in ${where}`,
    );
  }
  const byDigest = ref.digest !== undefined;
  const sources: PullSource[] = [];
  for (const mirror of registry.mirrors) {
    if (registry.mirrorByDigestOnly && !byDigest) continue;
    if (mirror.pullFromMirror === "digest-only" && !byDigest) continue;
    if (mirror.pullFromMirror === "tag-only" && byDigest) continue;
    const source: PullSource = {
      reference: rewrite(ref, registry.prefix, mirror.location),
      location: mirror.location,
      insecure: mirror.insecure,
      mirror: true,
    };
    if (mirror.namespaceProxy !== undefined) source.namespaceProxy = mirror.namespaceProxy;
    sources.push(source);
  }
  const primary: PullSource = {
    reference: rewrite(ref, registry.prefix, registry.location),
    location: registry.location === "" ? ref.domain : registry.location,
    insecure: registry.insecure,
    mirror: false,
  };
  if (registry.namespaceProxy !== undefined) primary.namespaceProxy = registry.namespaceProxy;
  sources.push(primary);
  return sources;
}
