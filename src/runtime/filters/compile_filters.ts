/**
 * Image filters (`key=value` / `key!=value`) as libimage's ListImages applies them:
 * `after`/`since`, `before`, `until`, `containers`, `dangling`, `intermediate`,
 * `readonly`, `manifest`, `id`, `digest`, `label` and `reference`. Filters with the same
 * key are AND'ed, except `reference` (positives OR'ed, negatives exclude).
 *
 * @module
 */
import type { ImageRecord } from "../../store/types.ts";
import type { RuntimeContext } from "../context.ts";
import type { ImageView } from "../_image_view.ts";
import { InvalidFilterError } from "../../errors.ts";
import { isCorruption } from "../_corruption.ts";
import { compileLabelFilter } from "./label_filter.ts";
import { compileReferenceFilter, type ReferenceFilter } from "./reference_filter.ts";
import { parseTimestamp } from "./parse_timestamp.ts";

/** A predicate over one image. */
export type ImageFilterFn = (record: ImageRecord) => boolean | Promise<boolean>;

/** Compiled filters, ready to run over the images of one view. */
export interface CompiledFilters {
  /** The predicates, grouped by key (all must match). */
  groups: Map<string, ImageFilterFn[]>;
  /** Every predicate of every group, in one list. */
  all: ImageFilterFn[];
  /** The reference filter, when any `reference` value was given. */
  reference: ReferenceFilter | undefined;
}

const FORMAT = `must be in the format "filter=value or filter!=value"`;
const BOOL_KEYS = new Set(["dangling", "intermediate", "readonly", "manifest", "containers"]);

/** Go's `strconv.ParseBool`. */
export function parseGoBool(value: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(value)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(value)) return false;
  return undefined;
}

/** The creation time of an image (the zero instant when unknown). */
export function createdOf(record: ImageRecord): number {
  const t = record.created === "" ? NaN : Date.parse(record.created);
  return Number.isNaN(t) ? -62135596800000 : t;
}

function boolValue(filter: string, key: string, value: string): boolean {
  const parsed = parseGoBool(value);
  if (parsed === undefined) {
    throw new InvalidFilterError(filter, `non-boolean value "${value}" for ${key} filter`);
  }
  return parsed;
}

async function imageTime(ctx: RuntimeContext, filter: string, key: string, value: string) {
  try {
    return createdOf((await ctx.lookup(value)).image);
  } catch (error) {
    throw new InvalidFilterError(
      filter,
      `could not find local image for filter "${key}"="${value}"`,
      { cause: error },
    );
  }
}

/**
 * Compiles `filters` for the images of `view`.
 *
 * @throws {InvalidFilterError} for a malformed filter, an unknown key, a bad value, a
 * boolean key given twice with different values, or an `after`/`before` image not found.
 */
export async function compileImageFilters(
  ctx: RuntimeContext,
  view: ImageView,
  filters: string[],
): Promise<CompiledFilters> {
  const groups = new Map<string, ImageFilterFn[]>();
  const seen = new Map<string, string>();
  const wantedRefs: string[] = [];
  const unwantedRefs: string[] = [];
  for (const filter of filters) {
    let negate = false;
    let split = filter.indexOf("!=");
    let valueStart = split + 2;
    if (split >= 0) negate = true;
    else {
      split = filter.indexOf("=");
      valueStart = split + 1;
      if (split < 0) {
        throw new InvalidFilterError(filter, `invalid image filter "${filter}": ${FORMAT}`);
      }
    }
    let key = filter.slice(0, split);
    const value = filter.slice(valueStart);
    if (BOOL_KEYS.has(key)) {
      const previous = seen.get(key);
      if (previous !== undefined && previous !== value) {
        throw new InvalidFilterError(
          filter,
          `specifying "${key}" filter more than once with different values is not supported`,
        );
      }
      seen.set(key, value);
    }
    let fn: ImageFilterFn;
    switch (key) {
      case "after":
      case "since": {
        const time = await imageTime(ctx, filter, key, value);
        key = "since";
        fn = (r) => createdOf(r) > time;
        break;
      }
      case "before": {
        const time = await imageTime(ctx, filter, key, value);
        fn = (r) => createdOf(r) < time;
        break;
      }
      case "until": {
        let until: number;
        try {
          until = parseTimestamp(value, ctx.now()).getTime();
        } catch (error) {
          throw new InvalidFilterError(filter, (error as Error).message, { cause: error });
        }
        fn = (r) => createdOf(r) < until;
        break;
      }
      case "containers": {
        if (value !== "true" && value !== "false" && value !== "external") {
          throw new InvalidFilterError(
            filter,
            `unsupported value "${value}" for containers filter`,
          );
        }
        fn = async (r) => {
          const containers = (await view.containers()).get(r.id) ?? [];
          if (value === "external") return containers.every((c) => c.external === true);
          return (containers.length > 0) === (value === "true");
        };
        break;
      }
      case "dangling": {
        const want = boolValue(filter, key, value);
        fn = async (r) => (await (await view.tree()).isDangling(r)) === want;
        break;
      }
      case "intermediate": {
        const want = boolValue(filter, key, value);
        fn = async (r) => (await (await view.tree()).isIntermediate(r)) === want;
        break;
      }
      case "readonly": {
        const want = boolValue(filter, key, value);
        fn = (r) => r.readOnly === want;
        break;
      }
      case "manifest": {
        const want = boolValue(filter, key, value);
        fn = (r) => r.isManifestList === want;
        break;
      }
      case "id":
        fn = (r) => r.id.startsWith(value);
        break;
      case "digest":
        if (!value.startsWith("sha256:")) {
          throw new InvalidFilterError(filter, `invalid value "${value}" for digest filter`);
        }
        fn = (r) =>
          r.manifestDigest.startsWith(value) || r.digests.some((d) => d.startsWith(value));
        break;
      case "label": {
        const match = compileLabelFilter(value);
        fn = async (r) => match(await view.labels(r));
        break;
      }
      case "reference":
        (negate ? unwantedRefs : wantedRefs).push(value);
        continue;
      default:
        throw new InvalidFilterError(filter, `invalid image filter "${key}": ${FORMAT}`);
    }
    if (negate) {
      const inner = fn;
      fn = async (r) => !(await inner(r));
    }
    const group = groups.get(key);
    if (group) group.push(fn);
    else groups.set(key, [fn]);
  }
  const reference = wantedRefs.length + unwantedRefs.length > 0
    ? await compileReferenceFilter(ctx, wantedRefs, unwantedRefs)
    : undefined;
  return { groups, all: [...groups.values()].flat(), reference };
}

/**
 * Runs compiled filters over one image (synchronously when no filter needs to read
 * anything). An image whose evaluation fails is left out when the store finds it
 * corrupted; otherwise the error is thrown.
 */
export function applyFilters(
  ctx: RuntimeContext,
  compiled: CompiledFilters,
  record: ImageRecord,
): boolean | Promise<boolean> {
  try {
    if (compiled.reference && !compiled.reference.test(record)) return false;
    const groups = compiled.all;
    for (let i = 0; i < groups.length; i++) {
      const result = groups[i](record);
      if (typeof result === "boolean") {
        if (!result) return false;
        continue;
      }
      return finishAsync(ctx, result, groups.slice(i + 1), record);
    }
    return true;
  } catch (error) {
    return dropIfCorrupted(ctx, record, error);
  }
}

async function finishAsync(
  ctx: RuntimeContext,
  pending: Promise<boolean>,
  rest: ImageFilterFn[],
  record: ImageRecord,
): Promise<boolean> {
  try {
    if (!(await pending)) return false;
    for (const fn of rest) if (!(await fn(record))) return false;
    return true;
  } catch (error) {
    return await dropIfCorrupted(ctx, record, error);
  }
}

async function dropIfCorrupted(
  ctx: RuntimeContext,
  record: ImageRecord,
  error: unknown,
): Promise<boolean> {
  if (await isCorruption(ctx, record, error)) return false;
  throw error;
}
