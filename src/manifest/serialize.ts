/**
 * Writing manifests and indexes as bytes, the way containers/image (Go) writes them:
 * compact JSON, fields in the Go structs' order, empty optional fields left out, and
 * `<`, `>`, `&`, U+2028 and U+2029 escaped.
 *
 * @module
 */
import {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  MediaType,
  type Platform,
} from "../types/mod.ts";

const GO_ESCAPES: Record<string, string> = {
  "<": "\\u003c",
  ">": "\\u003e",
  "&": "\\u0026",
  "\u2028": "\\u2028",
  "\u2029": "\\u2029",
};

/**
 * Encodes a JSON value as compact UTF-8 JSON with Go's escaping of `<`, `>`, `&`, U+2028
 * and U+2029, keeping the objects' key order.
 *
 * @example
 * ```ts
 * import { encodeCompactJson } from "./serialize.ts";
 * new TextDecoder().decode(encodeCompactJson({ a: "<b>" })); // '{"a":"\\u003cb\\u003e"}'
 * ```
 */
export function encodeCompactJson(value: unknown): Uint8Array {
  const text = JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => GO_ESCAPES[c]);
  return new TextEncoder().encode(text);
}

type Json = Record<string, unknown>;

function put(target: Json, key: string, value: unknown): void {
  if (value === undefined || value === null || value === "") return;
  if (Array.isArray(value) && value.length === 0) return;
  if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) {
    return;
  }
  target[key] = value;
}

function platformJson(platform: Platform): Json {
  const out: Json = { architecture: platform.architecture, os: platform.os };
  put(out, "os.version", platform["os.version"]);
  put(out, "os.features", platform["os.features"]);
  put(out, "variant", platform.variant);
  put(out, "features", platform.features);
  return out;
}

/** A descriptor with the OCI fields in their order. */
function ociDescriptorJson(d: Descriptor): Json {
  const out: Json = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  put(out, "urls", d.urls);
  put(out, "annotations", d.annotations);
  put(out, "data", d.data);
  if (d.platform !== undefined) out.platform = platformJson(d.platform);
  put(out, "artifactType", d.artifactType);
  return out;
}

/** A descriptor with only the fields of a Docker schema 2 descriptor. */
function dockerDescriptorJson(d: Descriptor): Json {
  const out: Json = { mediaType: d.mediaType, size: d.size, digest: d.digest };
  put(out, "urls", d.urls);
  return out;
}

/** The document a manifest serializes to (see {@linkcode serializeManifest}). */
function manifestJson(manifest: ImageManifest): Json {
  if (manifest.mediaType === MediaType.DockerManifest) {
    return {
      schemaVersion: 2,
      mediaType: manifest.mediaType,
      config: dockerDescriptorJson(manifest.config),
      layers: manifest.layers.map(dockerDescriptorJson),
    };
  }
  const out: Json = { schemaVersion: 2 };
  put(out, "mediaType", manifest.mediaType);
  put(out, "artifactType", manifest.artifactType);
  out.config = ociDescriptorJson(manifest.config);
  out.layers = manifest.layers.map(ociDescriptorJson);
  if (manifest.subject !== undefined) out.subject = ociDescriptorJson(manifest.subject);
  put(out, "annotations", manifest.annotations);
  return out;
}

/** The document an index serializes to (see {@linkcode serializeIndex}). */
function indexJson(index: ImageIndex): Json {
  if (index.mediaType === MediaType.DockerManifestList) {
    return {
      schemaVersion: 2,
      mediaType: index.mediaType,
      manifests: index.manifests.map((d) => ({
        ...dockerDescriptorJson(d),
        platform: platformJson(d.platform ?? { architecture: "", os: "" }),
      })),
    };
  }
  const out: Json = { schemaVersion: 2 };
  put(out, "mediaType", index.mediaType);
  put(out, "artifactType", index.artifactType);
  out.manifests = index.manifests.map(ociDescriptorJson);
  if (index.subject !== undefined) out.subject = ociDescriptorJson(index.subject);
  put(out, "annotations", index.annotations);
  return out;
}

/**
 * Serializes an image manifest to new bytes. A Docker schema 2 manifest keeps only the
 * fields Docker defines (no annotations, subject or artifact type). Use this only for
 * manifests stevedore builds or converts: received manifests keep their own bytes.
 *
 * @example
 * ```ts
 * import { serializeManifest } from "./serialize.ts";
 * const bytes = serializeManifest({
 *   schemaVersion: 2,
 *   mediaType: "application/vnd.oci.image.manifest.v1+json",
 *   config: { mediaType: "application/vnd.oci.empty.v1+json", digest: "sha256:" + "4".repeat(64), size: 2 },
 *   layers: [],
 * });
 * ```
 */
export function serializeManifest(manifest: ImageManifest): Uint8Array {
  return encodeCompactJson(manifestJson(manifest));
}

/**
 * Serializes an index or manifest list to new bytes, as compact JSON. A Docker manifest
 * list keeps only the fields Docker defines (no annotations, subject or artifact type;
 * every entry has a platform).
 *
 * @example
 * ```ts
 * import { serializeIndex } from "./serialize.ts";
 * const bytes = serializeIndex({
 *   schemaVersion: 2,
 *   mediaType: "application/vnd.docker.distribution.manifest.list.v2+json",
 *   manifests: [],
 * });
 * new TextDecoder().decode(bytes);
 * // '{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.list.v2+json","manifests":[]}'
 * ```
 */
export function serializeIndex(index: ImageIndex): Uint8Array {
  return encodeCompactJson(indexJson(index));
}
