// Shared set-up of the hostile-archive tests: hostile payloads, a store fingerprint, a
// hang guard, and a file system that reports (and can hold) the first write of a file.
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "fflate";
import { NodeFileSystem, type WriteFileOptions } from "../../src/fs/mod.ts";
import { writeTarAtomic } from "../../src/transports/_tar/mod.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";

const enc = new TextEncoder();

/** Every file under `root` but `tmp/`, by path, with its SHA-256. */
export async function storeFingerprint(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (path === "tmp") continue;
      if (entry.isDirectory()) await walk(join(dir, entry.name), path);
      else {out[path] = createHash("sha256").update(await readFile(join(dir, entry.name))).digest(
          "hex",
        );}
    }
  };
  await walk(root, "");
  return out;
}

/** The entries left in the store's `tmp/`. */
export async function tmpEntries(root: string): Promise<string[]> {
  return await readdir(join(root, "tmp")).catch(() => []);
}

/** Resolves or rejects like `promise`, but rejects if it has not settled within 60 s. */
export async function settles<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within 60 s`)), 60_000);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

/** A docker-archive of `image` whose `manifest.json` is `manifest`, written after the blobs. */
export async function dockerArchive(
  fs: NodeFileSystem,
  path: string,
  image: RandomImage,
  manifest: (item: { Config: string; RepoTags: string[]; Layers: string[] }) => string,
): Promise<void> {
  const layers = image.layers.map((_, i) => `layer${i}.tar`);
  await writeTarAtomic(fs, path, [
    { path: "config.json", kind: "file", body: image.config.bytes },
    ...image.layers.map((layer, i) => ({
      path: layers[i],
      kind: "file" as const,
      body: layer.tar,
    })),
    {
      path: "manifest.json",
      kind: "file",
      body: enc.encode(
        manifest({ Config: "config.json", RepoTags: ["hostile:1"], Layers: layers }),
      ),
    },
  ]);
}

/** An OCI archive of `image` whose `index.json` lists it `count` times, named `n<i>`. */
export async function ociArchive(
  fs: NodeFileSystem,
  path: string,
  image: RandomImage,
  count: number,
): Promise<void> {
  const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
  const manifests = Array.from({ length: count }, (_, i) => ({
    mediaType: image.manifest.mediaType,
    digest: image.manifest.digest,
    size: image.manifest.bytes.length,
    annotations: { "org.opencontainers.image.ref.name": `n${i}` },
  }));
  const index = { schemaVersion: 2, manifests };
  await writeTarAtomic(fs, path, [
    { path: "oci-layout", kind: "file", body: enc.encode('{"imageLayoutVersion":"1.0.0"}') },
    { path: blob(image.manifest.digest), kind: "file", body: image.manifest.bytes },
    ...[...image.blobs].map(([digest, bytes]) => ({
      path: blob(digest),
      kind: "file" as const,
      body: bytes,
    })),
    { path: "index.json", kind: "file", body: enc.encode(JSON.stringify(index)) },
  ]);
}

/** A gzip-compressed tar holding one file of `size` zero bytes (a decompression bomb). */
export async function zeroBomb(fs: NodeFileSystem, path: string, size: number): Promise<void> {
  const plain = `${path}.plain`;
  await writeTarAtomic(fs, plain, [{ path: "zeros", kind: "file", body: new Uint8Array(size) }]);
  await fs.writeFile(path, gzipSync(await fs.readFile(plain), { level: 1 }));
  await fs.remove(plain);
}

/** A small uncompressed, Docker-typed random image. */
export function plainImage(): RandomImage {
  return randomImage({ layers: 1, layerSize: 200, compress: false, mediaTypes: "docker" });
}

/**
 * A real file system that calls `onFirstWrite(path)` before the first chunk of every file
 * whose path `watch` accepts is written, and waits for the promise it returns.
 */
export class PhasedFileSystem extends NodeFileSystem {
  readonly #watch: (path: string) => boolean;
  onFirstWrite: (path: string) => Promise<void> = () => Promise.resolve();

  constructor(watch: (path: string) => boolean) {
    super();
    this.#watch = watch;
  }

  override async openWrite(
    path: string,
    options?: WriteFileOptions,
  ): Promise<WritableStream<Uint8Array>> {
    const sink = await super.openWrite(path, options);
    if (!this.#watch(path)) return sink;
    const writer = sink.getWriter();
    let first = true;
    return new WritableStream<Uint8Array>({
      write: async (chunk) => {
        if (first) {
          first = false;
          await this.onFirstWrite(path);
        }
        await writer.write(chunk);
      },
      close: () => writer.close(),
      abort: (reason) => writer.abort(reason),
    });
  }
}
