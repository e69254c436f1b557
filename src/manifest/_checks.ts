/**
 * Shared checks of manifest fields; each throws {@linkcode InvalidManifestError}.
 *
 * @module
 */
import { InvalidManifestError } from "../errors.ts";
import type { Descriptor } from "../types/mod.ts";

const DIGEST = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
// RFC 6838 type/subtype, each 1-127 restricted-name characters.
const MEDIA_TYPE =
  /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** Whether `value` is a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether `digest` is a `sha256:` or `sha512:` digest with lowercase hex of the right length. */
export function isValidDigest(digest: unknown): digest is string {
  return typeof digest === "string" && DIGEST.test(digest);
}

/** Whether `mediaType` follows the RFC 6838 `type/subtype` grammar. */
export function isValidMediaType(mediaType: unknown): mediaType is string {
  return typeof mediaType === "string" && MEDIA_TYPE.test(mediaType);
}

/** Throws the error for the document `what`. */
export function fail(what: string, detail: string, cause?: unknown): never {
  throw new InvalidManifestError(what, detail, cause === undefined ? undefined : { cause });
}

/** Checks that `value` at `path` is a string, if present. */
export function checkOptionalString(what: string, path: string, value: unknown): void {
  if (value !== undefined && typeof value !== "string") fail(what, `${path} must be a string`);
}

/** Checks that `value` at `path` is an array of strings, if present. */
export function checkStringArray(what: string, path: string, value: unknown): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    fail(what, `${path} must be an array of strings`);
  }
}

/** Checks that `value` at `path` is a map of strings to strings, if present. */
export function checkAnnotations(what: string, path: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) {
    fail(what, `${path} must be an object of strings`);
  }
}

/** Checks that `value` at `path` is a digest. */
export function checkDigest(what: string, path: string, value: unknown): void {
  if (!isValidDigest(value)) {
    fail(
      what,
      `${path} ${JSON.stringify(value)} is not a valid digest ` +
        `(sha256 with 64 or sha512 with 128 lowercase hex digits)`,
    );
  }
}

/** Checks that `value` at `path` is a platform object. */
export function checkPlatform(what: string, path: string, value: unknown): void {
  if (value === undefined) return;
  if (!isObject(value)) fail(what, `${path} must be an object`);
  if (typeof value.architecture !== "string") fail(what, `${path}.architecture is required`);
  if (typeof value.os !== "string") fail(what, `${path}.os is required`);
  checkOptionalString(what, `${path}["os.version"]`, value["os.version"]);
  checkStringArray(what, `${path}["os.features"]`, value["os.features"]);
  checkOptionalString(what, `${path}.variant`, value.variant);
  checkStringArray(what, `${path}.features`, value.features);
}

/** Checks that `value` at `path` is a well-formed descriptor. */
export function checkDescriptor(what: string, path: string, value: unknown): Descriptor {
  if (!isObject(value)) fail(what, `${path} must be an object`);
  if (value.mediaType === undefined) fail(what, `${path}.mediaType is required`);
  if (!isValidMediaType(value.mediaType)) {
    fail(what, `${path}.mediaType ${JSON.stringify(value.mediaType)} is not a valid media type`);
  }
  if (value.digest === undefined) fail(what, `${path}.digest is required`);
  checkDigest(what, `${path}.digest`, value.digest);
  const size = value.size;
  if (size === undefined) fail(what, `${path}.size is required`);
  if (typeof size !== "number" || !Number.isSafeInteger(size) || size < 0) {
    fail(what, `${path}.size ${JSON.stringify(size)} must be a non-negative integer`);
  }
  checkStringArray(what, `${path}.urls`, value.urls);
  checkAnnotations(what, `${path}.annotations`, value.annotations);
  checkPlatform(what, `${path}.platform`, value.platform);
  if (value.artifactType !== undefined && !isValidMediaType(value.artifactType)) {
    fail(what, `${path}.artifactType must be a media type`);
  }
  if (value.data !== undefined) {
    if (typeof value.data !== "string" || !BASE64.test(value.data)) {
      fail(what, `${path}.data must be base64`);
    }
    if (decodedLength(value.data) !== size) {
      fail(what, `${path}.data holds ${decodedLength(value.data)} bytes, size says ${size}`);
    }
  }
  return value as unknown as Descriptor;
}

function decodedLength(base64: string): number {
  const padding = base64.endsWith("==") ? 2 : base64.endsWith("=") ? 1 : 0;
  return (base64.length / 4) * 3 - padding;
}
