/**
 * Builds images in a store for runtime tests: random layers, a config (labels, created,
 * history) and a manifest committed through the store API; children extend a parent by
 * one layer (or one empty-layer history entry); manifest lists over stored instances.
 *
 * @module
 */
import { createHash } from "node:crypto";
import type { ImageRecord, ImageStore } from "../../src/store/mod.ts";
import type { HistoryEntry, ImageConfig } from "../../src/types/mod.ts";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
const OCI_LAYER = "application/vnd.oci.image.layer.v1.tar";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
const DOCKER_LAYER = "application/vnd.docker.image.rootfs.diff.tar";

let counter = 0;

/** `sha256:<hex>` of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Stores `bytes` as a blob and returns its digest. */
export async function putBytes(store: ImageStore, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  await store.putBlob(digest, bytes.length, new Blob([bytes as BlobPart]).stream());
  return digest;
}

/** What to build. */
export interface ImageSpec {
  /** Names to give the image. @default [] */
  names?: string[];
  /** Config `created`. @default a fixed time plus a counter */
  created?: string;
  /** Config labels. */
  labels?: Record<string, string>;
  /** Build on this image: its layers and history plus one step. */
  parent?: BuiltImage;
  /** The step adds no layer (e.g. LABEL): same layers, one empty-layer history entry. */
  emptyLayer?: boolean;
  /** New layers when there is no parent. @default 1 */
  layers?: number;
  /** Layer size in bytes. @default 100 */
  layerSize?: number;
  /** A Docker schema 2 image instead of OCI. */
  docker?: boolean;
  /** Read-only. */
  readOnly?: boolean;
  /** Architecture. @default "amd64" */
  architecture?: string;
  /** Extra config fields (`config.*`, `author`, `comment`, ...). */
  extra?: Partial<ImageConfig>;
  /** Manifest annotations (OCI). */
  annotations?: Record<string, string>;
  /** The created_by of the new history entry. */
  createdBy?: string;
}

/** An image built by {@linkcode buildImage}. */
export interface BuiltImage {
  /** The committed record. */
  record: ImageRecord;
  /** Its config. */
  config: ImageConfig;
  /** Its layers (digest = diff ID, uncompressed) with sizes. */
  layers: { digest: string; size: number }[];
  /** The manifest digest. */
  manifestDigest: string;
  /** The manifest media type. */
  mediaType: string;
}

/** Builds and commits an image. */
export async function buildImage(store: ImageStore, spec: ImageSpec = {}): Promise<BuiltImage> {
  const n = ++counter;
  const created = spec.created ?? new Date(Date.UTC(2024, 0, 1) + n * 1000).toISOString();
  const layers = [...(spec.parent?.layers ?? [])];
  const history: HistoryEntry[] = [...(spec.parent?.config.history ?? [])];
  const newLayers = spec.parent ? (spec.emptyLayer ? 0 : 1) : (spec.layers ?? 1);
  for (let i = 0; i < newLayers; i++) {
    const bytes = new Uint8Array(spec.layerSize ?? 100);
    const marker = new TextEncoder().encode(`${n}:${i}:${Math.random()}`);
    bytes.set(marker.subarray(0, bytes.length));
    layers.push({ digest: await putBytes(store, bytes), size: bytes.length });
    if (!spec.parent) history.push({ created, created_by: `ADD layer ${i}` });
  }
  if (spec.parent || newLayers === 0) {
    const entry: HistoryEntry = { created, created_by: spec.createdBy ?? `RUN step ${n}` };
    if (spec.emptyLayer || newLayers === 0) entry.empty_layer = true;
    history.push(entry);
  }
  const config: ImageConfig = {
    created,
    architecture: spec.architecture ?? "amd64",
    os: "linux",
    ...spec.extra,
    config: { ...spec.extra?.config, Labels: spec.labels ?? spec.extra?.config?.Labels },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.digest) },
    history,
  };
  const configBytes = new TextEncoder().encode(JSON.stringify(config));
  const configDigest = await putBytes(store, configBytes);
  const mediaType = spec.docker ? DOCKER_MANIFEST : OCI_MANIFEST;
  const manifest = {
    schemaVersion: 2,
    mediaType,
    config: {
      mediaType: spec.docker ? DOCKER_CONFIG : OCI_CONFIG,
      digest: configDigest,
      size: configBytes.length,
    },
    layers: layers.map((l) => ({
      mediaType: spec.docker ? DOCKER_LAYER : OCI_LAYER,
      digest: l.digest,
      size: l.size,
    })),
    ...(spec.annotations ? { annotations: spec.annotations } : {}),
  };
  const manifestDigest = await putBytes(store, new TextEncoder().encode(JSON.stringify(manifest)));
  const record = await store.commitImage({
    id: configDigest.slice(7),
    manifestDigest,
    manifestMediaType: mediaType,
    names: spec.names ?? [],
    layers: layers.map((l) => l.digest),
    diffIds: layers.map((l) => l.digest),
    size: configBytes.length + layers.reduce((sum, l) => sum + l.size, 0),
    created,
    platform: { os: "linux", architecture: config.architecture },
    readOnly: spec.readOnly,
  });
  return { record, config, layers, manifestDigest, mediaType };
}

/** Builds a manifest list (OCI index) over stored images and commits it. */
export async function buildManifestList(
  store: ImageStore,
  instances: BuiltImage[],
  names: string[] = [],
): Promise<ImageRecord> {
  const index = {
    schemaVersion: 2,
    mediaType: OCI_INDEX,
    manifests: instances.map((image) => ({
      mediaType: image.mediaType,
      digest: image.manifestDigest,
      size: 1,
      platform: { os: "linux", architecture: image.config.architecture },
    })),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  const manifestDigest = await putBytes(store, bytes);
  const id = createHash("sha256").update(`list ${++counter} ${Math.random()}`).digest("hex");
  return await store.commitImage({
    id,
    manifestDigest,
    manifestMediaType: OCI_INDEX,
    names,
    isManifestList: true,
    size: bytes.length,
  });
}
