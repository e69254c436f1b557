/**
 * Sigstore attachments: the signatures of `repo@sha256:<hex>` are the layers of the OCI
 * manifest tagged `sha256-<hex>.sig` in the same repository (the layout cosign uses), each
 * layer a payload with the signature in an annotation.
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { ManifestUnknownError, SignatureError } from "../errors.ts";
import type { RegistryClient } from "../registry/mod.ts";
import { readLimited } from "../streams/mod.ts";
import { MediaType } from "../types/mod.ts";
import { MAX_SIGNATURE_SIZE, MAX_SIGNATURES } from "./lookaside.ts";
import { isJsonObject, parseStrictJson } from "./strict_json.ts";

/** One sigstore signature as stored: payload, its media type and the layer annotations. */
export interface SigstoreAttachment {
  /** The layer's media type. */
  mediaType: string;
  /** The payload bytes (digest-verified against the layer). */
  payload: Uint8Array;
  /** The layer's annotations (the signature, certificates, bundle). */
  annotations: Record<string, string>;
}

/** The tag holding the signatures of the manifest `digest`: `sha256-<hex>.sig`. */
export function sigstoreTag(digest: string): string {
  return `${digest.replace(":", "-")}.sig`;
}

interface Layer {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
}

async function readSignatureManifest(
  client: RegistryClient,
  repo: string,
  digest: string,
): Promise<Layer[]> {
  const where = `${repo}:${sigstoreTag(digest)}`;
  let manifest;
  try {
    manifest = await client.getManifest(repo, sigstoreTag(digest), {
      accept: [MediaType.OciManifest],
    });
  } catch (error) {
    if (error instanceof ManifestUnknownError) return [];
    throw error;
  }
  let json;
  try {
    json = parseStrictJson(new TextDecoder("utf-8", { fatal: true }).decode(manifest.bytes));
  } catch (error) {
    throw new SignatureError(
      where,
      `the signature manifest is not JSON (${(error as Error).message})`,
    );
  }
  const layers = isJsonObject(json) ? json.layers : undefined;
  if (!Array.isArray(layers)) {
    throw new SignatureError(where, "the signature manifest has no layers");
  }
  if (layers.length > MAX_SIGNATURES) {
    throw new SignatureError(where, `more than ${MAX_SIGNATURES} signatures`);
  }
  return layers.map((layer) => {
    if (
      !isJsonObject(layer) || typeof layer.mediaType !== "string" ||
      typeof layer.digest !== "string" || typeof layer.size !== "number"
    ) {
      throw new SignatureError(where, "a layer of the signature manifest is malformed");
    }
    const annotations: Record<string, string> = {};
    if (isJsonObject(layer.annotations)) {
      for (const [k, v] of Object.entries(layer.annotations)) {
        if (typeof v === "string") annotations[k] = v;
      }
    }
    return { mediaType: layer.mediaType, digest: layer.digest, size: layer.size, annotations };
  });
}

/**
 * Reads the sigstore signatures of the manifest `digest` in `repo`; no `.sig` tag means
 * no signatures.
 *
 * @throws {SignatureError} for a malformed signature manifest, more than 128 signatures,
 * or a payload over 4 MiB.
 */
export async function readSigstoreAttachments(
  client: RegistryClient,
  repo: string,
  digest: string,
): Promise<SigstoreAttachment[]> {
  const layers = await readSignatureManifest(client, repo, digest);
  const result: SigstoreAttachment[] = [];
  for (const layer of layers) {
    if (layer.size > MAX_SIGNATURE_SIZE || layer.size < 0) {
      throw new SignatureError(
        `${repo}@${layer.digest}`,
        `the signature payload is larger than ${MAX_SIGNATURE_SIZE} bytes`,
      );
    }
    const stream = await client.getBlob(repo, layer.digest, { size: layer.size });
    const payload = await readLimited(stream, MAX_SIGNATURE_SIZE);
    if (payload === undefined) {
      throw new SignatureError(`${repo}@${layer.digest}`, "the signature payload is too large");
    }
    result.push({ mediaType: layer.mediaType, payload, annotations: layer.annotations ?? {} });
  }
  return result;
}

/**
 * Adds `attachments` to the signatures of the manifest `digest` in `repo`: uploads the
 * payloads and a config, then pushes the `.sig` manifest with the old and new layers.
 */
export async function writeSigstoreAttachments(
  client: RegistryClient,
  repo: string,
  digest: string,
  attachments: readonly SigstoreAttachment[],
): Promise<void> {
  const old = await readSignatureManifest(client, repo, digest);
  const layers: Layer[] = [...old];
  for (const attachment of attachments) {
    const layerDigest = digestBytes(attachment.payload).toString();
    await client.putBlob(repo, layerDigest, attachment.payload.length, attachment.payload);
    layers.push({
      mediaType: attachment.mediaType,
      digest: layerDigest,
      size: attachment.payload.length,
      annotations: attachment.annotations,
    });
  }
  const config = new TextEncoder().encode(JSON.stringify({
    architecture: "",
    created: "0001-01-01T00:00:00Z",
    history: [{ created: "0001-01-01T00:00:00Z" }],
    os: "",
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    config: {},
  }));
  const configDigest = digestBytes(config).toString();
  await client.putBlob(repo, configDigest, config.length, config);
  const manifest = new TextEncoder().encode(JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciManifest,
    config: { mediaType: MediaType.OciConfig, size: config.length, digest: configDigest },
    layers,
  }));
  await client.putManifest(repo, sigstoreTag(digest), manifest, MediaType.OciManifest);
}
