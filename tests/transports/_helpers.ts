// Shared helpers of the transport tests: random images, a tiny copier, temp folders.
import { createHash, randomBytes } from "node:crypto";
import { gzipSync } from "node:zlib";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { packTar } from "modern-tar";
import type { ImageDestination, ImageSource, ManifestBytes } from "../../src/transports/types.ts";

export function sha256(bytes: Uint8Array | string): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  bytes: Uint8Array;
}

export interface TestImage {
  manifest: ManifestBytes;
  config: Blob;
  layers: Blob[];
  diffIds: string[];
}

function blob(bytes: Uint8Array, mediaType: string): Blob {
  return { digest: sha256(bytes), size: bytes.length, mediaType, bytes };
}

/** A random image: config + `count` layers, gzip (OCI) or uncompressed (Docker v2s2). */
export async function randomImage(
  options: { format?: "oci" | "docker"; count?: number } = {},
): Promise<TestImage> {
  const format = options.format ?? "oci";
  const count = options.count ?? 2;
  const layers: Blob[] = [];
  const diffIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const data = randomBytes(500 + i * 37);
    const tar = await packTar([{ header: { name: `file${i}`, size: data.length }, body: data }]);
    diffIds.push(sha256(tar));
    layers.push(
      format === "oci"
        ? blob(new Uint8Array(gzipSync(tar)), "application/vnd.oci.image.layer.v1.tar+gzip")
        : blob(tar, "application/vnd.docker.image.rootfs.diff.tar.gzip"),
    );
  }
  const configBytes = new TextEncoder().encode(JSON.stringify({
    architecture: "amd64",
    os: "linux",
    created: "2024-01-01T00:00:00Z",
    config: { Env: [`R=${randomBytes(4).toString("hex")}`] },
    rootfs: { type: "layers", diff_ids: diffIds },
  }));
  const config = blob(
    configBytes,
    format === "oci"
      ? "application/vnd.oci.image.config.v1+json"
      : "application/vnd.docker.container.image.v1+json",
  );
  const mediaType = format === "oci"
    ? "application/vnd.oci.image.manifest.v1+json"
    : "application/vnd.docker.distribution.manifest.v2+json";
  const doc = {
    schemaVersion: 2,
    mediaType,
    config: { mediaType: config.mediaType, digest: config.digest, size: config.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(doc));
  return { manifest: { bytes, mediaType, digest: sha256(bytes) }, config, layers, diffIds };
}

export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
}

export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** Writes `image` into `dest` and commits (and closes). */
export async function writeImage(dest: ImageDestination, image: TestImage): Promise<void> {
  try {
    for (const b of [...image.layers, image.config]) {
      if (!await dest.hasBlob(b)) await dest.putBlob(b, streamOf(b.bytes));
    }
    await dest.putManifest(image.manifest);
    await dest.commit();
  } finally {
    await dest.close();
  }
}

/** Reads the manifest and every blob it names. */
export async function readImage(
  source: ImageSource,
): Promise<{ manifest: ManifestBytes; blobs: Map<string, Uint8Array> }> {
  try {
    const manifest = await source.getManifest();
    const doc = JSON.parse(new TextDecoder().decode(manifest.bytes));
    const blobs = new Map<string, Uint8Array>();
    for (const d of [doc.config, ...doc.layers]) {
      blobs.set(d.digest, await readAll(await source.getBlob(d)));
    }
    return { manifest, blobs };
  } finally {
    await source.close();
  }
}

export async function tempDir(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "stevedore-transport-test-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/** Runs skopeo; returns stdout, throws with stderr on failure. */
export function skopeo(...args: string[]): string {
  const result = spawnSync("skopeo", ["--insecure-policy", ...args], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`skopeo ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

export function hasSkopeo(): boolean {
  return spawnSync("skopeo", ["--version"]).status === 0;
}
