/**
 * The decision a pull takes after its local lookup, before contacting any registry, as
 * a pure function of the policy and what the lookup found.
 *
 * @module
 */
import type { PullPolicy } from "./pull_policy.ts";

/** What the local lookup found, as far as the pull decision is concerned. */
export interface LocalState {
  /** A usable (found and not corrupted) local image exists. */
  found: boolean;
  /** The input referred to that image by its ID or an ID prefix. */
  byId: boolean;
}

/**
 * What to do before the registry: use the local image, fail because nothing local exists
 * under `never`, fail because an ID cannot be pulled under `always`, or go on pulling.
 */
export type PullDecision =
  | { action: "use-local" }
  | { action: "not-found" }
  | { action: "id-with-always" }
  | { action: "pull" };

/**
 * Steps 3 to 5 of libimage's pull: `never` uses the local image or fails; `missing` uses
 * the local image when there is one; a local image found by ID is used (an error under
 * `always`: IDs are never pulled); everything else goes on to the registry. `policy` must
 * already be the {@linkcode effectivePolicy}.
 *
 * @example
 * ```ts
 * import { decidePull } from "./pull_decision.ts";
 * decidePull("missing", { found: true, byId: false }); // { action: "use-local" }
 * decidePull("newer", { found: true, byId: false }); // { action: "pull" }
 * ```
 */
export function decidePull(policy: PullPolicy, local: LocalState): PullDecision {
  if (policy === "never") return local.found ? { action: "use-local" } : { action: "not-found" };
  if (!local.found) return { action: "pull" };
  if (policy === "missing") return { action: "use-local" };
  if (local.byId) {
    return policy === "always" ? { action: "id-with-always" } : { action: "use-local" };
  }
  return { action: "pull" };
}

/**
 * Whether a registry candidate must be copied under `newer` with a local image: only when
 * the remote digest is not among the local image's digests.
 */
export function remoteIsNewer(remoteDigest: string, localDigests: readonly string[]): boolean {
  return !localDigests.includes(remoteDigest);
}
