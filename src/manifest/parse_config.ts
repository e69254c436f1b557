/**
 * Parsing and validating image configurations from their bytes.
 *
 * @module
 */
import type { ImageConfig } from "../types/mod.ts";
import {
  checkAnnotations,
  checkDigest,
  checkOptionalString,
  checkStringArray,
  fail,
  isObject,
} from "./_checks.ts";
import { decodeJsonObject } from "./_decode_json.ts";

/** The largest image configuration accepted, in bytes (4 MiB, as containers/image). */
export const MAX_CONFIG_SIZE = 4 * 1024 * 1024;

/** Options of {@linkcode parseImageConfig}. */
export interface ParseImageConfigOptions {
  /** What the config is called in errors (a digest or image name). @default "config" */
  what?: string;
  /** The largest size accepted, in bytes. @default MAX_CONFIG_SIZE */
  maxSize?: number;
}

/** A parsed image configuration and the bytes it was parsed from. */
export interface ParsedImageConfig {
  /** The parsed configuration. */
  config: ImageConfig;
  /** The bytes as received; the image ID is their digest. */
  bytes: Uint8Array;
}

function checkNullableStrings(what: string, path: string, value: unknown): void {
  if (value !== null) checkStringArray(what, path, value);
}

function checkNullableSet(what: string, path: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isObject(value) || Object.values(value).some((v) => !isObject(v))) {
    fail(what, `${path} must be an object of objects`);
  }
}

function checkContainerConfig(what: string, path: string, value: unknown): void {
  if (value === undefined || value === null) return;
  if (!isObject(value)) fail(what, `${path} must be an object`);
  for (const field of ["User", "WorkingDir", "StopSignal"]) {
    checkOptionalString(what, `${path}.${field}`, value[field]);
  }
  for (const field of ["Env", "Entrypoint", "Cmd", "OnBuild", "Shell"]) {
    checkNullableStrings(what, `${path}.${field}`, value[field]);
  }
  if (value.Labels !== null) checkAnnotations(what, `${path}.Labels`, value.Labels);
  checkNullableSet(what, `${path}.ExposedPorts`, value.ExposedPorts);
  checkNullableSet(what, `${path}.Volumes`, value.Volumes);
  const health = value.Healthcheck;
  if (health !== undefined && health !== null) {
    if (!isObject(health)) fail(what, `${path}.Healthcheck must be an object`);
    checkNullableStrings(what, `${path}.Healthcheck.Test`, health.Test);
  }
}

/**
 * Parses and validates an image configuration (OCI or Docker) from the bytes received:
 * at most 4 MiB of UTF-8 JSON, `architecture` and `os` strings, a `rootfs` of type
 * `layers` whose `diff_ids` are digests, well-typed `config` fields (Docker's `null`s
 * allowed) and `history` entries. Nothing is re-serialized.
 *
 * @throws {InvalidManifestError} when the config is too big, not JSON, or invalid.
 * @example
 * ```ts
 * import { parseImageConfig } from "./parse_config.ts";
 * const bytes = new TextEncoder().encode(
 *   '{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}',
 * );
 * console.log(parseImageConfig(bytes).config.os); // "linux"
 * ```
 */
export function parseImageConfig(
  bytes: Uint8Array,
  options: ParseImageConfigOptions = {},
): ParsedImageConfig {
  const what = options.what ?? "config";
  const doc = decodeJsonObject(what, bytes, options.maxSize ?? MAX_CONFIG_SIZE);
  if (typeof doc.architecture !== "string") fail(what, "architecture is required");
  if (typeof doc.os !== "string") fail(what, "os is required");
  for (const field of ["created", "author", "variant", "os.version", "comment"]) {
    checkOptionalString(what, field, doc[field]);
  }
  checkStringArray(what, `["os.features"]`, doc["os.features"]);
  const rootfs = doc.rootfs;
  if (!isObject(rootfs)) fail(what, "rootfs is required and must be an object");
  if (rootfs.type !== "layers") fail(what, `rootfs.type must be "layers"`);
  const diffIds = rootfs.diff_ids;
  if (diffIds !== undefined && diffIds !== null) {
    if (!Array.isArray(diffIds)) fail(what, "rootfs.diff_ids must be an array");
    diffIds.forEach((d, i) => checkDigest(what, `rootfs.diff_ids[${i}]`, d));
  }
  checkContainerConfig(what, "config", doc.config);
  checkContainerConfig(what, "container_config", doc.container_config);
  if (doc.history !== undefined) {
    if (!Array.isArray(doc.history)) fail(what, "history must be an array");
    doc.history.forEach((entry, i) => {
      if (!isObject(entry)) fail(what, `history[${i}] must be an object`);
      for (const field of ["created", "created_by", "author", "comment"]) {
        checkOptionalString(what, `history[${i}].${field}`, entry[field]);
      }
      if (entry.empty_layer !== undefined && typeof entry.empty_layer !== "boolean") {
        fail(what, `history[${i}].empty_layer must be a boolean`);
      }
    });
  }
  return { config: doc as unknown as ImageConfig, bytes };
}

/**
 * The diff IDs of a config, base first; empty when the config lists none. With `layers`,
 * they must be one a layer of the manifest named `what`.
 *
 * @throws {InvalidManifestError} when `layers` is given and the counts differ.
 */
export function configDiffIds(
  config: ImageConfig,
  layers?: { count: number; what: string },
): string[] {
  const diffIds = config.rootfs.diff_ids ?? [];
  if (layers !== undefined && diffIds.length !== layers.count) {
    fail(layers.what, `${layers.count} layers but ${diffIds.length} diff IDs in the config`);
  }
  return diffIds;
}
