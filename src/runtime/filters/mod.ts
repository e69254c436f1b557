/**
 * Image filters of `listImages`, `removeImages` and `prune`: parsing and compiling
 * `key=value` / `key!=value` filters, the `reference` glob rules, `label` matching and
 * `until` timestamps.
 *
 * @example
 * ```ts
 * import { compilePathMatch, parseTimestamp, referenceCandidates } from "./mod.ts";
 * referenceCandidates("docker.io/library/alpine:3").some(compilePathMatch("alp*")!); // true
 * parseTimestamp("1h", new Date(7_200_000)).getTime(); // 3600000
 * ```
 *
 * @module
 */
export {
  applyFilters,
  type CompiledFilters,
  compileImageFilters,
  createdOf,
  type ImageFilterFn,
  parseGoBool,
} from "./compile_filters.ts";
export { compileLabelFilter } from "./label_filter.ts";
export { compilePathMatch } from "./path_match.ts";
export {
  compileReferenceFilter,
  referenceCandidates,
  type ReferenceFilter,
} from "./reference_filter.ts";
export { parseGoDuration, parseTimestamp } from "./parse_timestamp.ts";
