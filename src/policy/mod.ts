/**
 * Pull policies (`always`, `missing`, `newer`, `never`): parsing with libimage's aliases,
 * the custom-platform override, and the pure decisions a pull takes before contacting a
 * registry.
 *
 * @example
 * ```ts
 * import { effectivePolicy, parsePullPolicy } from "./mod.ts";
 * const policy = parsePullPolicy("ifmissing"); // "missing"
 * effectivePolicy(policy, true); // "newer": a custom platform asks the registry
 * ```
 *
 * @module
 */
export {
  effectivePolicy,
  isCustomPlatform,
  isPullPolicy,
  parsePullPolicy,
  PULL_POLICIES,
  type PullPolicy,
} from "./pull_policy.ts";
export { decidePull, type LocalState, type PullDecision, remoteIsNewer } from "./pull_decision.ts";
