/**
 * Random images for tests: valid tar layers (gzip-compressed or not), a config whose
 * `rootfs.diff_ids` match them, and a manifest (OCI or Docker schema 2); plus indexes over
 * several such images. Everything is returned as bytes with digests, ready to be loaded
 * into any transport.
 *
 * @module
 */
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "fflate";
import type { ManifestBytes } from "../../src/transports/types.ts";
import type { Platform } from "../../src/types/mod.ts";

/** A blob of a random image: its bytes and descriptor fields. */
export interface RandomBlob {
  /** The blob's media type. */
  mediaType: string;
  /** `sha256:<hex>` of `bytes`. */
  digest: string;
  /** `bytes.length`. */
  size: number;
  /** The content. */
  bytes: Uint8Array;
}

/** A layer of a random image. */
export interface RandomLayer extends RandomBlob {
  /** The digest of the uncompressed tar (the config's diff ID). */
  diffId: string;
  /** The uncompressed tar. */
  tar: Uint8Array;
}

/** Options of {@linkcode randomImage}. */
export interface RandomImageOptions {
  /** How many layers. @default 2 */
  layers?: number;
  /** The size of the random file inside each layer tar, in bytes. @default 2048 */
  layerSize?: number;
  /** The platform written into the config. @default linux/amd64 */
  platform?: Platform;
  /** Which family of media types to use. @default "oci" */
  mediaTypes?: "oci" | "docker";
  /** Whether layers are gzip-compressed. @default true */
  compress?: boolean;
  /** The config's `created_by` of layer `i`. @default `step ${i}` */
  createdBy?: (i: number) => string;
  /** The layer tars to use (base first) instead of random ones; sets the layer count. */
  layerTars?: Uint8Array[];
}

/** A generated image. */
export interface RandomImage {
  /** The manifest bytes, media type and digest. */
  manifest: ManifestBytes;
  /** The config blob. */
  config: RandomBlob;
  /** The layers, base first. */
  layers: RandomLayer[];
  /** Every blob (config and layers) by digest. */
  blobs: Map<string, Uint8Array>;
  /** The platform of the image. */
  platform: Platform;
}

/** A generated index (or Docker manifest list) over several images. */
export interface RandomIndex {
  /** The index bytes, media type and digest. */
  manifest: ManifestBytes;
  /** The images it lists, in order. */
  images: RandomImage[];
  /** Every blob of every image, by digest. */
  blobs: Map<string, Uint8Array>;
}

const encoder = new TextEncoder();

/** `sha256:<hex>` of `bytes`. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** Writes `value` as a zero-padded octal field of `width` bytes (NUL-terminated). */
function octal(header: Uint8Array, offset: number, width: number, value: number): void {
  const text = value.toString(8).padStart(width - 1, "0");
  header.set(encoder.encode(text), offset);
}

/** A one-file POSIX tar archive holding `content` under `name`. */
export function tarOf(name: string, content: Uint8Array): Uint8Array {
  const header = new Uint8Array(512);
  header.set(encoder.encode(name), 0);
  octal(header, 100, 8, 0o644);
  octal(header, 108, 8, 0);
  octal(header, 116, 8, 0);
  octal(header, 124, 12, content.length);
  octal(header, 136, 12, 0);
  header.fill(0x20, 148, 156);
  header[156] = 0x30; // regular file
  header.set(encoder.encode("ustar\u000000"), 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.set(encoder.encode(sum.toString(8).padStart(6, "0") + "\u0000 "), 148);
  const padded = Math.ceil(content.length / 512) * 512;
  const tar = new Uint8Array(512 + padded + 1024);
  tar.set(header, 0);
  tar.set(content, 512);
  return tar;
}

/** Builds a random image; every call gives different layers. */
export function randomImage(options: RandomImageOptions = {}): RandomImage {
  const count = options.layerTars?.length ?? options.layers ?? 2;
  const layerSize = options.layerSize ?? 2048;
  const platform = options.platform ?? { os: "linux", architecture: "amd64" };
  const docker = (options.mediaTypes ?? "oci") === "docker";
  const compress = options.compress ?? true;
  const layerType = docker
    ? (compress
      ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
      : "application/vnd.docker.image.rootfs.diff.tar")
    : (compress
      ? "application/vnd.oci.image.layer.v1.tar+gzip"
      : "application/vnd.oci.image.layer.v1.tar");

  const layers: RandomLayer[] = [];
  for (let i = 0; i < count; i++) {
    const tar = options.layerTars?.[i] ??
      tarOf(`file-${i}.bin`, new Uint8Array(randomBytes(layerSize)));
    const bytes = compress ? gzipSync(tar, { mtime: 0 }) : tar;
    layers.push({
      mediaType: layerType,
      digest: sha256(bytes),
      size: bytes.length,
      bytes,
      diffId: sha256(tar),
      tar,
    });
  }
  const configJson = {
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant ? { variant: platform.variant } : {}),
    created: "2024-01-01T00:00:00Z",
    config: { Env: ["PATH=/usr/bin:/bin"], Cmd: ["/bin/sh"] },
    rootfs: { type: "layers", diff_ids: layers.map((l) => l.diffId) },
    history: layers.map((_, i) => ({
      created: "2024-01-01T00:00:00Z",
      created_by: options.createdBy?.(i) ?? `step ${i}`,
    })),
  };
  const configBytes = encoder.encode(JSON.stringify(configJson));
  const config: RandomBlob = {
    mediaType: docker
      ? "application/vnd.docker.container.image.v1+json"
      : "application/vnd.oci.image.config.v1+json",
    digest: sha256(configBytes),
    size: configBytes.length,
    bytes: configBytes,
  };
  const manifestType = docker
    ? "application/vnd.docker.distribution.manifest.v2+json"
    : "application/vnd.oci.image.manifest.v1+json";
  const manifestJson = {
    schemaVersion: 2,
    mediaType: manifestType,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const manifestBytes = encoder.encode(JSON.stringify(manifestJson, null, 2));
  const blobs = new Map<string, Uint8Array>([[config.digest, config.bytes]]);
  for (const layer of layers) blobs.set(layer.digest, layer.bytes);
  return {
    manifest: { bytes: manifestBytes, mediaType: manifestType, digest: sha256(manifestBytes) },
    config,
    layers,
    blobs,
    platform,
  };
}

/** Builds an index (OCI) or manifest list (Docker) over `images`. */
export function randomIndex(
  images: RandomImage[],
  mediaTypes: "oci" | "docker" = "oci",
): RandomIndex {
  const mediaType = mediaTypes === "docker"
    ? "application/vnd.docker.distribution.manifest.list.v2+json"
    : "application/vnd.oci.image.index.v1+json";
  const json = {
    schemaVersion: 2,
    mediaType,
    manifests: images.map((image) => ({
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.bytes.length,
      platform: image.platform,
    })),
  };
  const bytes = encoder.encode(JSON.stringify(json, null, 2));
  const blobs = new Map<string, Uint8Array>();
  for (const image of images) for (const [digest, blob] of image.blobs) blobs.set(digest, blob);
  return { manifest: { bytes, mediaType, digest: sha256(bytes) }, images, blobs };
}

/** A linux index over amd64, arm64/v8 and arm/v7 random images. */
export function randomMultiArch(options: RandomImageOptions = {}): RandomIndex {
  const platforms: Platform[] = [
    { os: "linux", architecture: "amd64" },
    { os: "linux", architecture: "arm64", variant: "v8" },
    { os: "linux", architecture: "arm", variant: "v7" },
  ];
  return randomIndex(
    platforms.map((platform) => randomImage({ ...options, platform })),
    options.mediaTypes ?? "oci",
  );
}
