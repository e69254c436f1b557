/**
 * Telling what kind of manifest a document is from its shape.
 *
 * @module
 */
import {
  isImageManifestType,
  isManifestListType,
  isSchema1Type,
  type ManifestMediaType,
  MediaType,
} from "../types/mod.ts";
import { isObject } from "./_checks.ts";

/** The three shapes of manifest documents. */
export type ManifestKind = "image" | "index" | "schema1";

/** The kind of document a manifest media type names, or `undefined` for other types. */
export function manifestKindOf(mediaType: string): ManifestKind | undefined {
  if (isImageManifestType(mediaType)) return "image";
  if (isManifestListType(mediaType)) return "index";
  if (isSchema1Type(mediaType)) return "schema1";
  return undefined;
}

/**
 * The media type of a parsed JSON manifest document: its own `mediaType` when that names
 * a manifest type, else a guess from its shape (`schemaVersion` 1 is schema 1, signed when
 * it has `signatures`; `manifests` is an OCI index; `config` is a Docker manifest when the
 * config is a Docker config, else OCI). `undefined` when it looks like no manifest.
 *
 * @example
 * ```ts
 * import { detectManifestMediaType } from "./detect_media_type.ts";
 * detectManifestMediaType({ schemaVersion: 2, manifests: [] });
 * // "application/vnd.oci.image.index.v1+json"
 * ```
 */
export function detectManifestMediaType(document: unknown): ManifestMediaType | undefined {
  if (!isObject(document)) return undefined;
  if (document.schemaVersion === 1) {
    return "signatures" in document ? MediaType.DockerSchema1Signed : MediaType.DockerSchema1;
  }
  if (document.schemaVersion !== 2) return undefined;
  const declared = document.mediaType;
  if (typeof declared === "string" && manifestKindOf(declared) !== undefined) {
    return declared as ManifestMediaType;
  }
  if ("manifests" in document) return MediaType.OciIndex;
  if ("config" in document) {
    const config = document.config;
    return isObject(config) && config.mediaType === MediaType.DockerConfig
      ? MediaType.DockerManifest
      : MediaType.OciManifest;
  }
  return undefined;
}

/**
 * Like {@linkcode detectManifestMediaType}, from the document's bytes; `undefined` when
 * they are not a JSON manifest.
 */
export function guessManifestMediaType(bytes: Uint8Array): ManifestMediaType | undefined {
  try {
    return detectManifestMediaType(JSON.parse(new TextDecoder().decode(bytes)));
  } catch {
    return undefined;
  }
}
