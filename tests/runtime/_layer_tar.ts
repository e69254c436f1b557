// Hand-built layer tars (modes, times, links, whiteouts, hostile names) and a helper that
// stores an image made of them in a store, for the unpack tests.
import { createHash } from "node:crypto";
import { gzipSync } from "fflate";
import type { ImageStore } from "../../src/store/mod.ts";

export interface LayerEntry {
  name: string;
  type?: "file" | "dir" | "symlink" | "link" | "fifo";
  body?: string;
  linkname?: string;
  mode?: number;
  mtime?: number; // seconds
  uid?: number;
  gid?: number;
}

const TYPEFLAG = { file: "0", link: "1", symlink: "2", fifo: "6", dir: "5" } as const;
const encoder = new TextEncoder();

function put(block: Uint8Array, offset: number, length: number, text: string): void {
  block.set(encoder.encode(text).subarray(0, length), offset);
}

function octal(block: Uint8Array, offset: number, length: number, value: number): void {
  put(block, offset, length, value.toString(8).padStart(length - 1, "0") + "\0");
}

function header(entry: LayerEntry, size: number): Uint8Array {
  const type = entry.type ?? "file";
  const block = new Uint8Array(512);
  put(block, 0, 100, entry.name);
  octal(block, 100, 8, entry.mode ?? (type === "dir" ? 0o755 : 0o644));
  octal(block, 108, 8, entry.uid ?? 0);
  octal(block, 116, 8, entry.gid ?? 0);
  octal(block, 124, 12, size);
  octal(block, 136, 12, entry.mtime ?? 1_600_000_000);
  put(block, 148, 8, "        ");
  put(block, 156, 1, TYPEFLAG[type]);
  put(block, 157, 100, entry.linkname ?? "");
  put(block, 257, 6, "ustar\0");
  put(block, 263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  put(block, 148, 8, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/** A tar of `entries`, in order, with the two zero blocks at the end. */
export function layerTar(entries: LayerEntry[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    const body = encoder.encode(entry.body ?? "");
    parts.push(header(entry, body.length));
    if (body.length > 0) {
      parts.push(body);
      parts.push(new Uint8Array((512 - (body.length % 512)) % 512));
    }
  }
  parts.push(new Uint8Array(1024));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function sha256(bytes: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(bytes).digest("hex");
}

async function putBytes(store: ImageStore, bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes);
  await store.putBlob(digest, bytes.length, new Blob([bytes as Uint8Array<ArrayBuffer>]).stream());
  return digest;
}

/**
 * Stores an OCI image named `name` whose layers are `tars` (gzip-compressed); the
 * config's `diff_ids` are the tars' digests unless `diffIds` says otherwise.
 */
export async function storeLayeredImage(
  store: ImageStore,
  name: string,
  tars: Uint8Array[],
  platform = { os: "linux", architecture: "amd64" },
  diffIds?: string[],
): Promise<string> {
  const layers = [];
  for (const tar of tars) {
    const gz = gzipSync(tar);
    layers.push({
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      digest: await putBytes(store, gz),
      size: gz.length,
      diffId: sha256(tar),
    });
  }
  const config = encoder.encode(JSON.stringify({
    ...platform,
    created: "2024-01-01T00:00:00Z",
    config: {},
    rootfs: { type: "layers", diff_ids: diffIds ?? layers.map((l) => l.diffId) },
    history: layers.map(() => ({ created_by: "test" })),
  }));
  const configDigest = await putBytes(store, config);
  const manifest = encoder.encode(JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: configDigest,
      size: config.length,
    },
    layers: layers.map(({ mediaType, digest, size }) => ({ mediaType, digest, size })),
  }));
  const manifestDigest = await putBytes(store, manifest);
  const id = configDigest.slice("sha256:".length);
  await store.commitImage({
    id,
    manifestDigest,
    manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
    names: [name],
    layers: layers.map((l) => l.digest),
    diffIds: diffIds ?? layers.map((l) => l.diffId),
    size: config.length + layers.reduce((n, l) => n + l.size, 0),
    created: "2024-01-01T00:00:00Z",
    platform,
  });
  return id;
}
