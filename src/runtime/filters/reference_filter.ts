/**
 * The `reference` filter: an image matches a value when looking the value up finds it, or
 * when the value, as a `path.Match` glob, fully matches one of the strings derived from
 * one of the image's names. Positive values are OR'ed, negative ones exclude on any hit.
 *
 * @module
 */
import type { ImageRecord } from "../../store/types.ts";
import type { RuntimeContext } from "../context.ts";
import { parseNamed } from "../../reference/mod.ts";
import { compilePathMatch } from "./path_match.ts";

/**
 * The strings a name is matched against: the full reference, the path without domain,
 * the last component with its tag or digest and, when tagged or digested, the name
 * without tag or digest, the path with tag or digest, and the last component without.
 *
 * @example
 * ```ts
 * import { referenceCandidates } from "./reference_filter.ts";
 * referenceCandidates("docker.io/library/alpine:3");
 * // ["docker.io/library/alpine:3", "library/alpine", "alpine:3",
 * //  "docker.io/library/alpine", "library/alpine:3", "alpine"]
 * ```
 */
export function referenceCandidates(name: string): string[] {
  const out: string[] = [];
  someCandidate(name, (candidate) => {
    out.push(candidate);
    return false;
  });
  return out;
}

/** Calls `test` on each derived string of `name` until it returns true. */
function someCandidate(name: string, test: (candidate: string) => boolean): boolean {
  if (test(name)) return true;
  const at = name.indexOf("@");
  const beforeDigest = at < 0 ? name : name.slice(0, at);
  const slash = beforeDigest.lastIndexOf("/");
  const colon = beforeDigest.lastIndexOf(":");
  const trimmed = colon > slash ? beforeDigest.slice(0, colon) : beforeDigest;
  const firstSlash = trimmed.indexOf("/");
  const path = firstSlash < 0 ? trimmed : trimmed.slice(firstSlash + 1);
  if (test(path) || test(name.slice(name.lastIndexOf("/") + 1))) return true;
  if (trimmed === name) return false;
  return test(trimmed) || test(path + name.slice(trimmed.length)) ||
    test(trimmed.slice(trimmed.lastIndexOf("/") + 1));
}

/** A compiled set of `reference` filters. */
export interface ReferenceFilter {
  /** Whether the image passes every negative and (if any) one positive value. */
  test(record: ImageRecord): boolean;
  /**
   * The names to show for a matching image when exactly one positive canonical tagged or
   * digested value was given (and no negative one); otherwise `undefined`.
   */
  rewriteNames(record: ImageRecord): string[] | undefined;
}

interface CompiledValue {
  lookedUpId: string | undefined;
  glob: ((value: string) => boolean) | undefined;
}

async function compileValue(ctx: RuntimeContext, value: string): Promise<CompiledValue> {
  let lookedUpId: string | undefined;
  try {
    lookedUpId = (await ctx.lookup(value)).image.id;
  } catch {
    lookedUpId = undefined;
  }
  return { lookedUpId, glob: compilePathMatch(value) };
}

/** Compiles the positive (`wanted`) and negative (`unwanted`) reference values. */
export async function compileReferenceFilter(
  ctx: RuntimeContext,
  wanted: string[],
  unwanted: string[],
): Promise<ReferenceFilter> {
  const positives = await Promise.all(wanted.map((v) => compileValue(ctx, v)));
  const negatives = await Promise.all(unwanted.map((v) => compileValue(ctx, v)));
  const matches = (record: ImageRecord, value: CompiledValue) => {
    if (value.lookedUpId === record.id) return true;
    const glob = value.glob;
    if (!glob) return false;
    for (const name of record.names) if (someCandidate(name, glob)) return true;
    return false;
  };
  const rewrite = wanted.length === 1 && unwanted.length === 0 ? rewriterFor(wanted[0]) : undefined;
  return {
    test(record) {
      for (const value of negatives) if (matches(record, value)) return false;
      if (positives.length === 0) return true;
      for (const value of positives) if (matches(record, value)) return true;
      return false;
    },
    rewriteNames(record) {
      return rewrite?.(record);
    },
  };
}

function rewriterFor(value: string): ((record: ImageRecord) => string[]) | undefined {
  let ref;
  try {
    ref = parseNamed(value);
  } catch {
    return undefined;
  }
  if (ref.digest !== undefined) {
    const repo = ref.name;
    return (record) =>
      record.names.filter((name) => {
        const at = name.indexOf("@");
        const bare = at < 0 ? name : name.slice(0, at);
        const slash = bare.lastIndexOf("/");
        const colon = bare.lastIndexOf(":");
        return (colon > slash ? bare.slice(0, colon) : bare) === repo;
      });
  }
  if (ref.tag !== undefined) {
    const full = ref.toString();
    return (record) => record.names.filter((name) => name === full);
  }
  return undefined;
}
