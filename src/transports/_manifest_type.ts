/**
 * Tells the media type of manifest bytes read from disk: the `mediaType` field when
 * present, else a guess from the document's shape (as containers/image does).
 *
 * @module
 */
import { InvalidManifestError } from "../errors.ts";
import { MediaType } from "../types/mod.ts";

/** Parses `bytes` as a JSON object, or throws {@linkcode InvalidManifestError}. */
export function parseJsonObject(bytes: Uint8Array, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new InvalidManifestError(what, "not valid JSON", { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidManifestError(what, "not a JSON object");
  }
  return value as Record<string, unknown>;
}

/** The media type of the manifest `bytes`. */
export function manifestMediaType(bytes: Uint8Array, what: string): string {
  const doc = parseJsonObject(bytes, what);
  if (typeof doc.mediaType === "string" && doc.mediaType !== "") return doc.mediaType;
  if (doc.schemaVersion === 1) {
    return "signatures" in doc ? MediaType.DockerSchema1Signed : MediaType.DockerSchema1;
  }
  if (Array.isArray(doc.manifests)) return MediaType.OciIndex;
  if (typeof doc.config === "object" && doc.config !== null) {
    const config = doc.config as Record<string, unknown>;
    return config.mediaType === MediaType.DockerConfig
      ? MediaType.DockerManifest
      : MediaType.OciManifest;
  }
  throw new InvalidManifestError(what, "unknown manifest format");
}
