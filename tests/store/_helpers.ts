// Shared helpers of the store tests: temporary roots, putting random images into a store.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ImageStore, NewImage } from "../../src/store/mod.ts";
import type { RandomImage } from "../helpers/random_image.ts";

export async function tempRoot(): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "stevedore-store-test-"));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
}

/** Stores the blobs and manifest of `image` (no record). */
export async function putImageBlobs(store: ImageStore, image: RandomImage): Promise<void> {
  for (const [digest, bytes] of image.blobs) {
    await store.putBlob(digest, bytes.length, streamOf(bytes));
  }
  const manifest = image.manifest;
  await store.putBlob(manifest.digest, manifest.bytes.length, streamOf(manifest.bytes));
}

/** The {@linkcode NewImage} of a random image. */
export function newImageOf(image: RandomImage, names: string[] = []): NewImage {
  return {
    id: image.config.digest.slice("sha256:".length),
    manifestDigest: image.manifest.digest,
    manifestMediaType: image.manifest.mediaType,
    names,
    layers: image.layers.map((layer) => layer.digest),
    diffIds: image.layers.map((layer) => layer.diffId),
    size: image.config.size + image.layers.reduce((sum, layer) => sum + layer.size, 0),
    created: "2024-01-01T00:00:00Z",
    platform: image.platform,
  };
}

/** Stores `image` and commits its record. */
export async function addImage(store: ImageStore, image: RandomImage, names: string[] = []) {
  await putImageBlobs(store, image);
  return await store.commitImage(newImageOf(image, names));
}
