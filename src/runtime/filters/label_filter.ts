/**
 * The `label` filter: `key` (present) or `key=value` (present with that value); a key
 * containing `*` is a glob matched anywhere in label keys (`*pattern*`).
 *
 * @module
 */
import { compilePathMatch } from "./path_match.ts";

/**
 * Compiles one `label` filter value into a predicate over an image's labels.
 *
 * @example
 * ```ts
 * import { compileLabelFilter } from "./label_filter.ts";
 * const matches = compileLabelFilter("org.opencontainers.*=1.0");
 * matches({ "org.opencontainers.image.version": "1.0" }); // true
 * ```
 */
export function compileLabelFilter(value: string): (labels: Record<string, string>) => boolean {
  const eq = value.indexOf("=");
  const key = eq < 0 ? value : value.slice(0, eq);
  const wanted = eq < 0 ? "" : value.slice(eq + 1);
  // Go's filepath.Match treats the separator specially; libimage swaps it for "|" first.
  const glob = key.includes("*") ? compilePathMatch(`*${key}*`.replaceAll("/", "|")) : undefined;
  return (labels) => {
    for (const [labelKey, labelValue] of Object.entries(labels)) {
      const keyMatches = labelKey === key ||
        (glob !== undefined && glob(labelKey.replaceAll("/", "|")));
      if (keyMatches && (wanted === "" || labelValue === wanted)) return true;
    }
    return false;
  };
}
