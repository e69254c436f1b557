/**
 * Reading Docker schema 1 manifests: the bytes their digest covers, the layers to fetch,
 * and the conversion to a schema 2 (or OCI) manifest with a config.
 *
 * @module
 */
import {
  type ImageConfig,
  type ImageManifest,
  type ImageManifestMediaType,
  type LayerCompression,
  layerMediaType,
  MediaType,
  type Schema1Manifest,
} from "../types/mod.ts";
import { fail, isObject, isValidDigest, type JsonObject } from "./_checks.ts";
import { decodeJsonObject } from "./_decode_json.ts";
import { MAX_MANIFEST_SIZE } from "./parse_manifest.ts";
import { parseImageConfig } from "./parse_config.ts";
import { encodeCompactJson, serializeManifest } from "./serialize.ts";

function base64UrlDecode(text: string): Uint8Array {
  const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const padded = b64 + "=".repeat((4 - (b64.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

/**
 * The bytes a schema 1 manifest's digest is computed over: for a signed manifest, the
 * payload the JWS signatures cover (the document without its `signatures`, rebuilt from
 * the protected header's `formatLength` and `formatTail`); otherwise the bytes themselves.
 *
 * @throws {InvalidManifestError} when the signatures' protected headers are malformed.
 */
export function schema1DigestPayload(bytes: Uint8Array, what = "manifest"): Uint8Array {
  const doc = decodeJsonObject(what, bytes, MAX_MANIFEST_SIZE);
  if (!Array.isArray(doc.signatures) || doc.signatures.length === 0) return bytes;
  let payload: Uint8Array | undefined;
  for (const [i, sig] of doc.signatures.entries()) {
    let header: unknown;
    try {
      header = JSON.parse(new TextDecoder().decode(base64UrlDecode(String(sig?.protected))));
    } catch (error) {
      fail(what, `signatures[${i}].protected is not base64url JSON`, error);
    }
    if (
      !isObject(header) || !Number.isSafeInteger(header.formatLength) ||
      typeof header.formatTail !== "string"
    ) {
      fail(what, `signatures[${i}].protected lacks formatLength and formatTail`);
    }
    const length = header.formatLength as number;
    if (length < 0 || length > bytes.length) {
      fail(what, `signatures[${i}] formatLength ${length} is outside the document`);
    }
    const tail = base64UrlDecode(header.formatTail as string);
    const candidate = new Uint8Array(length + tail.length);
    candidate.set(bytes.subarray(0, length));
    candidate.set(tail, length);
    if (payload !== undefined && !equalBytes(payload, candidate)) {
      fail(what, "the signatures cover different payloads");
    }
    payload = candidate;
  }
  return payload as Uint8Array;
}

function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

interface V1Layer {
  blobSum: string;
  compat: JsonObject;
  raw: JsonObject;
}

// Parses the history, drops consecutive duplicates, checks IDs and parent links;
// returns the layers base first.
function v1Layers(schema1: Schema1Manifest, what: string): V1Layer[] {
  const top: V1Layer[] = schema1.history.map((h, i) => {
    let raw: unknown;
    try {
      raw = JSON.parse(h.v1Compatibility);
    } catch (error) {
      fail(what, `history[${i}].v1Compatibility is not JSON`, error);
    }
    if (!isObject(raw)) fail(what, `history[${i}].v1Compatibility is not a JSON object`);
    if (typeof raw.id !== "string" || !/^[a-f0-9]{64}$/.test(raw.id)) {
      fail(what, `history[${i}].v1Compatibility has an invalid id`);
    }
    return { blobSum: schema1.fsLayers[i]?.blobSum, compat: raw, raw };
  });
  const layers: V1Layer[] = [];
  for (let i = 0; i < top.length; i++) {
    const next = top[i + 1];
    if (next !== undefined && top[i].compat.id === next.compat.id) continue;
    if (next !== undefined && top[i].compat.parent !== next.compat.id) {
      fail(what, `history[${i}] does not have history[${i + 1}] as its parent`);
    }
    if (next === undefined && (top[i].compat.parent ?? "") !== "") {
      fail(what, "the base layer has a parent");
    }
    if (!isValidDigest(top[i].blobSum)) fail(what, `fsLayers[${i}].blobSum is not a digest`);
    layers.push(top[i]);
  }
  return layers.reverse();
}

function isEmptyLayer(layer: V1Layer): boolean {
  return layer.compat.throwaway === true;
}

/**
 * The blobs of a schema 1 image that hold layers (steps that created none are left out),
 * base first: fetch these and compute their diff IDs for {@linkcode schema1ToImage}.
 *
 * @throws {InvalidManifestError} when the history is malformed.
 */
export function schema1LayerDigests(schema1: Schema1Manifest, what = "manifest"): string[] {
  return v1Layers(schema1, what).filter((l) => !isEmptyLayer(l)).map((l) => l.blobSum);
}

/** What the caller knows about one layer blob of a schema 1 image. */
export interface Schema1LayerInfo {
  /** The digest of the uncompressed layer tar. */
  diffId: string;
  /** The size of the layer blob in bytes. */
  size: number;
  /** How the blob is compressed. @default "gzip" */
  compression?: LayerCompression;
}

/** Options of {@linkcode schema1ToImage}. */
export interface Schema1ToImageOptions {
  /** The manifest type to produce. @default MediaType.DockerManifest */
  to?: ImageManifestMediaType;
  /** What the manifest is called in errors. @default "manifest" */
  what?: string;
}

/** A schema 2 (or OCI) image built from a schema 1 manifest. */
export interface ConvertedImage {
  /** The new manifest. */
  manifest: ImageManifest;
  /** Its bytes. */
  manifestBytes: Uint8Array;
  /** The new config. */
  config: ImageConfig;
  /** Its bytes; their digest is `manifest.config.digest`, the image ID. */
  configBytes: Uint8Array;
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as BufferSource));
  return "sha256:" + Array.from(hash, (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Converts a schema 1 manifest to a schema 2 (or OCI) image: the config is the top
 * layer's v1 JSON without its v1 identifiers, plus `rootfs` (the given diff IDs) and a
 * `history` built from every step; the layers are the non-empty ones, base first, with
 * the given sizes. `layers` must match {@linkcode schema1LayerDigests} one for one.
 *
 * @throws {InvalidManifestError} when the history is malformed.
 * @throws {RangeError} when `layers` does not match the image's layers.
 */
export async function schema1ToImage(
  schema1: Schema1Manifest,
  layers: Schema1LayerInfo[],
  options: Schema1ToImageOptions = {},
): Promise<ConvertedImage> {
  const what = options.what ?? "manifest";
  const to = options.to ?? MediaType.DockerManifest;
  const all = v1Layers(schema1, what);
  const nonEmpty = all.filter((l) => !isEmptyLayer(l));
  if (layers.length !== nonEmpty.length) {
    throw new RangeError(`Expected ${nonEmpty.length} layer infos, got ${layers.length}`);
  }
  const format = to === MediaType.DockerManifest ? "docker" : "oci";
  const layerTypes = layers.map((info, i) => {
    if (!isValidDigest(info.diffId)) throw new RangeError(`Invalid diff ID at ${i}`);
    if (!Number.isSafeInteger(info.size) || info.size < 0) {
      throw new RangeError(`Invalid size at ${i}`);
    }
    const type = layerMediaType(format, info.compression ?? "gzip");
    if (type === undefined) throw new RangeError(`Layer ${i} compression cannot be used in ${to}`);
    return type;
  });
  const history = all.map((l) => {
    const c = l.compat;
    const cmd = isObject(c.container_config) && Array.isArray(c.container_config.Cmd)
      ? c.container_config.Cmd.join(" ")
      : "";
    const entry: JsonObject = { created: c.created ?? "0001-01-01T00:00:00Z" };
    if (c.author) entry.author = c.author;
    if (cmd) entry.created_by = cmd;
    if (c.comment) entry.comment = c.comment;
    if (isEmptyLayer(l)) entry.empty_layer = true;
    return entry;
  });
  const top: JsonObject = { ...all[all.length - 1].raw };
  for (const key of ["id", "parent", "Size", "parent_id", "layer_id", "throwaway"]) {
    delete top[key];
  }
  top.architecture ??= schema1.architecture;
  top.os ??= "linux";
  top.rootfs = { type: "layers", diff_ids: layers.map((l) => l.diffId) };
  top.history = history;
  const sorted: JsonObject = {};
  for (const key of Object.keys(top).sort()) sorted[key] = top[key];
  const configBytes = encodeCompactJson(sorted);
  const { config } = parseImageConfig(configBytes, { what });
  const manifest: ImageManifest = {
    schemaVersion: 2,
    mediaType: to,
    config: {
      mediaType: format === "docker" ? MediaType.DockerConfig : MediaType.OciConfig,
      digest: await sha256(configBytes),
      size: configBytes.length,
    },
    layers: nonEmpty.map((l, i) => ({
      mediaType: layerTypes[i],
      digest: l.blobSum,
      size: layers[i].size,
    })),
  };
  return { manifest, manifestBytes: serializeManifest(manifest), config, configBytes };
}
