/**
 * Parsing and validating manifest documents from their bytes.
 *
 * @module
 */
import {
  baseMediaType,
  type ImageIndex,
  type ImageManifest,
  type ImageManifestMediaType,
  type IndexMediaType,
  type ManifestMediaType,
  type Schema1Manifest,
  type Schema1MediaType,
} from "../types/mod.ts";
import { fail, type JsonObject } from "./_checks.ts";
import { decodeJsonObject } from "./_decode_json.ts";
import { validateImageManifest, validateIndex, validateSchema1 } from "./_validate_manifest.ts";
import { detectManifestMediaType, type ManifestKind, manifestKindOf } from "./detect_media_type.ts";

/** The largest manifest accepted, in bytes (4 MiB, as containers/image). */
export const MAX_MANIFEST_SIZE = 4 * 1024 * 1024;

/** Options of {@linkcode parseManifest}. */
export interface ParseManifestOptions {
  /**
   * The `Content-Type` the document was served with. A manifest media type must agree with
   * the document; other values (`application/json`, `text/plain`, ...) are ignored.
   */
  contentType?: string;
  /** What the document is called in errors (a reference or digest). @default "manifest" */
  what?: string;
  /** The largest size accepted, in bytes. @default MAX_MANIFEST_SIZE */
  maxSize?: number;
}

/** A parsed single-image manifest (OCI or Docker schema 2) and its bytes. */
export interface ParsedImageManifest {
  /** Which shape this is. */
  kind: "image";
  /** The effective media type: declared, served, or detected. */
  mediaType: ImageManifestMediaType;
  /** The parsed document. */
  manifest: ImageManifest;
  /** The bytes as received; the manifest's digest is computed over these. */
  bytes: Uint8Array;
}

/** A parsed OCI index or Docker manifest list and its bytes. */
export interface ParsedIndex {
  /** Which shape this is. */
  kind: "index";
  /** The effective media type: declared, served, or detected. */
  mediaType: IndexMediaType;
  /** The parsed document. */
  index: ImageIndex;
  /** The bytes as received; the index's digest is computed over these. */
  bytes: Uint8Array;
}

/** A parsed Docker schema 1 manifest and its bytes. */
export interface ParsedSchema1 {
  /** Which shape this is. */
  kind: "schema1";
  /** The effective media type: served, or detected from the presence of signatures. */
  mediaType: Schema1MediaType;
  /** The parsed document. */
  schema1: Schema1Manifest;
  /** The bytes as received (see `schema1DigestPayload` for what its digest covers). */
  bytes: Uint8Array;
}

/** Any parsed manifest document. */
export type ParsedManifest = ParsedImageManifest | ParsedIndex | ParsedSchema1;

function shapeOf(what: string, doc: JsonObject): ManifestKind {
  if (doc.schemaVersion === undefined) fail(what, "schemaVersion is required");
  if (doc.schemaVersion === 1) return "schema1";
  if (doc.schemaVersion !== 2) {
    fail(what, `schemaVersion ${JSON.stringify(doc.schemaVersion)} is not supported`);
  }
  const isIndex = "manifests" in doc;
  const isImage = "config" in doc || "layers" in doc;
  if ("fsLayers" in doc || "history" in doc) {
    fail(what, "a schemaVersion 2 document must not have schema 1 fields (fsLayers, history)");
  }
  if (isIndex && isImage) {
    fail(what, "the document is ambiguous: it has both manifests and config/layers");
  }
  if (isIndex) return "index";
  if (isImage) return "image";
  fail(what, "the document has neither config and layers nor manifests");
}

const KIND_NAMES: Record<ManifestKind, string> = {
  image: "an image manifest",
  index: "an index",
  schema1: "a schema 1 manifest",
};

/**
 * Parses and validates a manifest, index or manifest list from the bytes received: at
 * most 4 MiB of UTF-8 JSON, the fields each shape requires, well-formed descriptors
 * (digest syntax, non-negative integer sizes), and a media type that agrees between the
 * document's `mediaType`, the `contentType` it was served with and its shape. When the
 * document has no `mediaType` (OCI allows that), it is taken from the content type or
 * detected from the shape. Nothing is re-serialized: `bytes` is the input.
 *
 * @throws {InvalidManifestError} when the document is too big, not JSON, or invalid.
 * @example
 * ```ts
 * import { parseManifest } from "./parse_manifest.ts";
 * const bytes = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
 * const parsed = parseManifest(bytes);
 * console.log(parsed.kind, parsed.mediaType); // "index" "application/vnd.oci.image.index.v1+json"
 * ```
 */
export function parseManifest(
  bytes: Uint8Array,
  options: ParseManifestOptions = {},
): ParsedManifest {
  const what = options.what ?? "manifest";
  const doc = decodeJsonObject(what, bytes, options.maxSize ?? MAX_MANIFEST_SIZE);
  const shape = shapeOf(what, doc);
  const served = options.contentType === undefined ? "" : baseMediaType(options.contentType);
  const servedKind = manifestKindOf(served);
  const declared = doc.mediaType;
  let mediaType: string;
  if (declared !== undefined) {
    if (typeof declared !== "string") fail(what, "mediaType must be a string");
    const declaredKind = manifestKindOf(declared);
    if (declaredKind === undefined) fail(what, `mediaType "${declared}" is not a manifest type`);
    if (declaredKind !== shape) {
      fail(
        what,
        `mediaType "${declared}" does not match the document, which is ${KIND_NAMES[shape]}`,
      );
    }
    if (servedKind !== undefined && served !== declared) {
      fail(what, `it was served as "${served}" but declares mediaType "${declared}"`);
    }
    mediaType = declared;
  } else if (servedKind !== undefined) {
    if (servedKind !== shape) {
      fail(what, `it was served as "${served}" but is ${KIND_NAMES[shape]}`);
    }
    mediaType = served;
  } else {
    mediaType = detectManifestMediaType(doc) as ManifestMediaType;
  }
  switch (shape) {
    case "image":
      return {
        kind: "image",
        mediaType: mediaType as ImageManifestMediaType,
        manifest: validateImageManifest(what, doc, mediaType),
        bytes,
      };
    case "index":
      return {
        kind: "index",
        mediaType: mediaType as IndexMediaType,
        index: validateIndex(what, doc),
        bytes,
      };
    case "schema1":
      return {
        kind: "schema1",
        mediaType: mediaType as Schema1MediaType,
        schema1: validateSchema1(what, doc),
        bytes,
      };
  }
}

/**
 * Like {@linkcode parseManifest}, but the document must be a single-image manifest.
 *
 * @throws {InvalidManifestError} when it is invalid, an index or a schema 1 manifest.
 */
export function parseImageManifest(
  bytes: Uint8Array,
  options: ParseManifestOptions = {},
): ParsedImageManifest {
  const parsed = parseManifest(bytes, options);
  if (parsed.kind !== "image") {
    fail(options.what ?? "manifest", `it is ${KIND_NAMES[parsed.kind]}, not an image manifest`);
  }
  return parsed;
}

/**
 * Like {@linkcode parseManifest}, but the document must be an index or manifest list.
 *
 * @throws {InvalidManifestError} when it is invalid or not an index.
 */
export function parseIndex(bytes: Uint8Array, options: ParseManifestOptions = {}): ParsedIndex {
  const parsed = parseManifest(bytes, options);
  if (parsed.kind !== "index") {
    fail(options.what ?? "manifest", `it is ${KIND_NAMES[parsed.kind]}, not an index`);
  }
  return parsed;
}
