/**
 * `--chunk-size` of `push` and `manifest push`: upload blobs in chunks no larger than a
 * size, for registries and proxies that refuse large request bodies (413).
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import { type FlagSpecs, type ParsedArgs, stringFlag } from "./_args.ts";

/** The flag. */
export const chunkSizeFlags: FlagSpecs = {
  "chunk-size": {
    type: "string",
    help: "Upload blobs in chunks of at most this size (e.g. 50MiB; 0 uploads each whole)",
    valueName: "size",
  },
};

const UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  k: 1024,
  kb: 1000,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

/**
 * Parses a size such as `1048576`, `512k`, `50MiB` or `1GB` into bytes; `undefined` when it
 * is not one.
 */
export function parseByteSize(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (match === null) return undefined;
  const unit = UNITS[match[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Number(match[1]) * unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** The chunk size `--chunk-size` asks for. @throws {UsageError} when it is no size. */
export function chunkSizeOption(args: ParsedArgs): number | undefined {
  const text = stringFlag(args, "chunk-size");
  if (text === undefined) return undefined;
  const bytes = parseByteSize(text);
  if (bytes === undefined) {
    throw new UsageError(`--chunk-size=${text}`, "must be a size such as 5242880 or 50MiB");
  }
  return bytes;
}
