/**
 * Pull policies: when a pull contacts a registry and when it uses a local image instead.
 *
 * @module
 */
import { InvalidPullPolicyError } from "../errors.ts";
import type { PlatformChoice } from "../platform/mod.ts";

/**
 * A pull policy: `always` pulls, `missing` pulls only without a local image, `newer` pulls
 * when the registry's digest differs from the local image's, `never` only uses local images.
 */
export type PullPolicy = "always" | "missing" | "newer" | "never";

/** Every pull policy, in libimage's numeric order (Always=0, Missing=1, Never=2, Newer=3). */
export const PULL_POLICIES: readonly PullPolicy[] = ["always", "missing", "never", "newer"];

const ALIASES: ReadonlyMap<string, PullPolicy> = new Map([
  ["always", "always"],
  ["missing", "missing"],
  ["ifmissing", "missing"],
  ["ifnotpresent", "missing"],
  ["", "missing"],
  ["newer", "newer"],
  ["ifnewer", "newer"],
  ["never", "never"],
]);

/**
 * Parses a pull policy, case-insensitively: `always`; `missing`, `ifmissing`,
 * `ifnotpresent` or `""` for missing; `newer` or `ifnewer`; `never`.
 *
 * @example
 * ```ts
 * import { parsePullPolicy } from "./pull_policy.ts";
 * parsePullPolicy("IfNotPresent"); // "missing"
 * ```
 *
 * @throws {InvalidPullPolicyError} for anything else.
 */
export function parsePullPolicy(input: string): PullPolicy {
  const policy = ALIASES.get(input.toLowerCase());
  if (policy === undefined) throw new InvalidPullPolicyError(input);
  return policy;
}

/** Whether `value` is one of the four pull policies (exact spelling). */
export function isPullPolicy(value: unknown): value is PullPolicy {
  return typeof value === "string" && (PULL_POLICIES as readonly string[]).includes(value);
}

/** Whether any of os, architecture or variant was asked for explicitly. */
export function isCustomPlatform(choice: PlatformChoice | undefined): boolean {
  return !!(choice?.os || choice?.architecture || choice?.variant);
}

/**
 * The policy a pull really follows: with a custom platform, `missing` and `newer` become
 * `newer` (local images may declare a wrong platform, so the registry is asked; its errors
 * stay non-fatal when a local image exists); `always` and `never` are kept.
 *
 * @example
 * ```ts
 * import { effectivePolicy } from "./pull_policy.ts";
 * effectivePolicy("missing", true); // "newer"
 * effectivePolicy("never", true); // "never"
 * ```
 */
export function effectivePolicy(policy: PullPolicy, customPlatform: boolean): PullPolicy {
  if (customPlatform && policy !== "always" && policy !== "never") return "newer";
  return policy;
}
