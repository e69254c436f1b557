/**
 * Scopes of containers-policy.json(5), per transport: which scopes a policy may name, the
 * identity and the enclosing namespaces of an image, and the requirement list that applies
 * to it (the most specific scope wins; then the transport's `""`; then `default`).
 *
 * @module
 */
import { isValidDomain, parseNormalizedName, parseReference } from "../reference/mod.ts";
import type { ImageReference } from "../transports/types.ts";
import type { PolicyRequirement, SignaturePolicy } from "./policy.ts";

/** The identity of an image for policy lookup, and its namespaces, most specific first. */
export interface PolicyScopes {
  /** The transport name, e.g. `docker`. */
  transport: string;
  /** The most specific scope (`""` when the transport has no scopes). */
  identity: string;
  /** The enclosing scopes, most specific first. */
  namespaces: string[];
}

type PathRule = { paths: true; tagged: boolean };
type ScopeRule = "docker" | "none" | "any" | PathRule;

/** How each transport's scopes look; a transport not listed accepts any scope string. */
const RULES: Record<string, ScopeRule> = {
  docker: "docker",
  atomic: "docker",
  dir: { paths: true, tagged: false },
  oci: { paths: true, tagged: true },
  "oci-archive": { paths: true, tagged: true },
  "docker-archive": "none",
  "docker-daemon": "none",
  tarball: "none",
};

/**
 * Why `scope` is not a valid scope of `transport`, or `undefined` when it is.
 *
 * @example
 * ```ts
 * import { validateScope } from "./policy_scope.ts";
 * validateScope("docker", "docker.io/library/busybox"); // undefined
 * validateScope("docker", "busybox"); // "…is not a fully expanded…"
 * ```
 */
export function validateScope(transport: string, scope: string): string | undefined {
  const rule = RULES[transport] ?? "any";
  if (rule === "any") return undefined;
  if (rule === "none") return `the ${transport}: transport supports no scopes but ""`;
  if (rule === "docker") return dockerScopeProblem(scope);
  const path = rule.tagged && scope.indexOf(":") > 0 ? scope.slice(0, scope.indexOf(":")) : scope;
  if (!path.startsWith("/")) return `"${scope}" is not an absolute path`;
  if (path === "/") return `"/" is not allowed; use the transport default ""`;
  if (cleanPath(path) !== path) return `"${scope}" is not a clean path`;
  return undefined;
}

function dockerScopeProblem(scope: string): string | undefined {
  if (scope.startsWith("*.")) {
    const domain = scope.slice(2);
    if (domain.includes("*") || domain.includes(":") || !isValidDomain(domain)) {
      return `"${scope}" is not a valid wildcard (use "*.example.com")`;
    }
    return undefined;
  }
  if (!scope.includes("/")) {
    return isValidDomain(scope) ? undefined : `"${scope}" is not a valid host[:port]`;
  }
  // Like containers/image, a well-formed scope that can never match (`docker.io/busybox`
  // rather than `docker.io/library/busybox`) is allowed; only malformed ones are refused.
  try {
    parseReference(scope);
    return undefined;
  } catch {
    return `"${scope}" is not a valid reference`;
  }
}

function cleanPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return `/${parts.join("/")}`;
}

/**
 * The policy identity and namespaces of `ref` (containers/image's
 * `PolicyConfigurationIdentity` and `PolicyConfigurationNamespaces`). A relative path of a
 * path transport is resolved against `cwd` when given (containers/image makes it absolute
 * when parsing); without `cwd` it matches only the transport's `""` scope.
 *
 * @example
 * ```ts ignore
 * policyScopes(dockerTransport.parse("//example.com:5000/ns/app:1"));
 * // { transport: "docker", identity: "example.com:5000/ns/app:1",
 * //   namespaces: ["example.com:5000/ns/app", "example.com:5000/ns", "example.com:5000", "*.com"] }
 * ```
 */
export function policyScopes(ref: ImageReference, cwd?: string): PolicyScopes {
  const transport = ref.transport.name;
  const rule = RULES[transport] ?? "any";
  if (rule === "docker" && ref.dockerReference !== undefined) {
    return { transport, ...dockerScopes(ref.dockerReference) };
  }
  if (typeof rule === "object") {
    const within = ref.withinTransport;
    const colon = rule.tagged ? within.indexOf(":") : -1;
    const path = colon < 0 ? within : within.slice(0, colon);
    const tag = colon < 0 ? "" : within.slice(colon + 1);
    const resolved = path.startsWith("/")
      ? cleanPath(path)
      : cwd?.startsWith("/")
      ? cleanPath(`${cwd}/${path}`)
      : path;
    const namespaces: string[] = [];
    if (resolved.startsWith("/")) {
      for (let p = resolved; p !== "/" && p !== ""; p = p.slice(0, p.lastIndexOf("/")) || "/") {
        namespaces.push(p);
      }
    }
    const identity = tag === "" ? resolved : `${resolved}:${tag}`;
    if (identity === namespaces[0]) namespaces.shift();
    return { transport, identity, namespaces };
  }
  return { transport, identity: rule === "any" ? ref.withinTransport : "", namespaces: [] };
}

function dockerScopes(reference: string): { identity: string; namespaces: string[] } {
  const ref = parseNormalizedName(reference);
  const namespaces: string[] = [];
  let name = ref.name;
  for (;;) {
    namespaces.push(name);
    const slash = name.lastIndexOf("/");
    if (slash < 0) break;
    name = name.slice(0, slash);
  }
  const colon = name.lastIndexOf(":");
  if (colon >= 0 && !name.endsWith("]")) name = name.slice(0, colon);
  for (let dot = name.indexOf("."); dot >= 0; dot = name.indexOf(".")) {
    name = name.slice(dot + 1);
    namespaces.push(`*.${name}`);
  }
  return { identity: ref.toString(), namespaces };
}

/**
 * The requirements that apply to `ref` under `policy`, and the scope they came from
 * (`"default"` for the global default); relative paths are resolved against `cwd`.
 */
export function requirementsFor(
  policy: SignaturePolicy,
  ref: ImageReference,
  cwd?: string,
): { scope: string; requirements: PolicyRequirement[] } {
  const scopes = policyScopes(ref, cwd);
  const table = policy.transports[scopes.transport];
  if (table !== undefined) {
    for (const scope of [scopes.identity, ...scopes.namespaces]) {
      if (scope !== "" && table[scope] !== undefined) {
        return { scope, requirements: table[scope] };
      }
    }
    if (table[""] !== undefined) return { scope: "", requirements: table[""] };
  }
  return { scope: "default", requirements: policy.default };
}
