/**
 * The `docker save` archive writer: blobs are staged in a temporary folder as images are
 * added; {@linkcode DockerArchiveWriter.commit} writes the tar atomically.
 *
 * @module
 */
import { type FileSystem, isNotFound } from "../../fs/mod.ts";
import type { BlobInfo } from "../types.ts";
import { type TarWriteEntry, writeTarAtomic } from "../_tar/mod.ts";
import { parentDir, tempPath } from "../_temp.ts";
import { sha256Digest } from "../_streams.ts";
import { digestVerifier } from "../../digest/mod.ts";
import { splitDigest } from "../oci/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import { sortedJson } from "./_archive_format.ts";

/** Options of {@linkcode DockerArchiveWriter}. */
export interface DockerArchiveWriterOptions {
  /** Where blobs are staged. @default the archive's folder */
  tmpDir?: string;
  /** Stops the writes. */
  signal?: AbortSignal;
}

/** An image recorded in the archive. */
interface WrittenImage {
  configDigest: string;
  layerDigests: string[];
  repoTags: string[];
}

const LEGACY_CONFIG_KEYS = [
  "architecture",
  "config",
  "container",
  "container_config",
  "created",
  "docker_version",
  "os",
];

/**
 * Collects one or more images into a `docker save` archive at `path`. Each image's
 * destination adds blobs and then the image; `commit()` writes the archive (atomically);
 * `close()` removes what was staged.
 */
export class DockerArchiveWriter {
  /** The archive file written on commit. */
  readonly path: string;
  readonly #fs: FileSystem;
  readonly #staging: string;
  readonly #signal: AbortSignal | undefined;
  readonly #blobs = new Map<string, number>();
  readonly #images: WrittenImage[] = [];
  #closed = false;

  /** Prepares a writer for the archive at `path`. */
  constructor(fs: FileSystem, path: string, options: DockerArchiveWriterOptions = {}) {
    this.#fs = fs;
    this.path = path;
    this.#staging = tempPath(options.tmpDir ?? parentDir(path), "docker-archive");
    this.#signal = options.signal;
  }

  #blobFile(digest: string): string {
    return `${this.#staging}/${splitDigest(digest).hex}`;
  }

  /** Tells whether the blob was already added. */
  hasBlob(blob: BlobInfo): boolean {
    const size = this.#blobs.get(blob.digest);
    return size !== undefined && (blob.size < 0 || blob.size === size);
  }

  /**
   * Stages a blob (checked against its sha256 digest and size, unless `verified` says the
   * stream checks itself: it errors before its end on a mismatch).
   */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined = this.#signal,
    verified = false,
  ): Promise<void> {
    this.#checkOpen();
    await this.#fs.mkdir(this.#staging, { recursive: true });
    const target = this.#blobFile(blob.digest);
    const temporary = `${target}.tmp-${crypto.randomUUID()}`;
    try {
      const checked = verified ? stream : stream.pipeThrough(
        digestVerifier(blob.digest, {
          size: blob.size >= 0 ? blob.size : undefined,
          what: blob.digest,
        }),
      );
      // The bytes are hashed once (above or by the stream itself); only count them here.
      let size = 0;
      const count = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.length;
          controller.enqueue(chunk);
        },
      });
      await checked.pipeThrough(count).pipeTo(await this.#fs.openWrite(temporary), { signal });
      await this.#fs.rename(temporary, target);
      this.#blobs.set(blob.digest, size);
    } catch (error) {
      await this.#fs.remove(temporary).catch(() => {});
      throw error;
    }
  }

  /**
   * Records an image whose config and layers were added; an image with the same config
   * and layers gains the tags instead of being repeated.
   */
  addImage(configDigest: string, layerDigests: string[], repoTags: string[]): void {
    this.#checkOpen();
    for (const digest of [configDigest, ...layerDigests]) {
      if (!this.#blobs.has(digest)) {
        throw new TypeError(`Cannot add an image to the archive: blob ${digest} was not added`);
      }
    }
    const same = this.#images.find((image) =>
      image.configDigest === configDigest &&
      image.layerDigests.join() === layerDigests.join()
    );
    if (same !== undefined) {
      for (const tag of repoTags) if (!same.repoTags.includes(tag)) same.repoTags.push(tag);
      return;
    }
    this.#images.push({ configDigest, layerDigests: [...layerDigests], repoTags: [...repoTags] });
  }

  /** The number of images recorded so far. */
  get imageCount(): number {
    return this.#images.length;
  }

  /** Writes the archive atomically, then removes the staged blobs. */
  async commit(): Promise<void> {
    this.#checkOpen();
    const entries = await this.#entries();
    await writeTarAtomic(this.#fs, this.path, entries, { signal: this.#signal });
    await this.close();
  }

  /** Removes the staged blobs; without a prior commit, no archive is written. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#fs.remove(this.#staging, { recursive: true }).catch((error) => {
      if (!isNotFound(error)) throw error;
    });
  }

  #checkOpen(): void {
    if (this.#closed) throw new TypeError(`The archive writer for "${this.path}" is closed`);
  }

  #fileEntry(path: string, digest: string): TarWriteEntry {
    const file = this.#blobFile(digest);
    return {
      path,
      kind: "file",
      size: this.#blobs.get(digest)!,
      mode: 0o444,
      body: () => this.#fs.openRead(file),
    };
  }

  async #entries(): Promise<TarWriteEntry[]> {
    const entries: TarWriteEntry[] = [];
    const written = new Set<string>();
    const add = (entry: TarWriteEntry) => {
      if (written.has(entry.path)) return;
      written.add(entry.path);
      entries.push(entry);
    };
    const manifest = [];
    const repositories: Record<string, Record<string, string>> = {};
    const legacy: TarWriteEntry[] = [];
    for (const image of this.#images) {
      const layerFiles = image.layerDigests.map((digest) => `${splitDigest(digest).hex}.tar`);
      image.layerDigests.forEach((digest, i) => add(this.#fileEntry(layerFiles[i], digest)));
      const configFile = `${splitDigest(image.configDigest).hex}.json`;
      add(this.#fileEntry(configFile, image.configDigest));
      const config = parseJsonObject(
        await this.#fs.readFile(this.#blobFile(image.configDigest)),
        image.configDigest,
      );
      const topId = this.#legacyLayers(image, layerFiles, config, legacy);
      manifest.push({ Config: configFile, RepoTags: image.repoTags, Layers: layerFiles });
      for (const tag of image.repoTags) {
        const colon = tag.lastIndexOf(":");
        const repo = tag.slice(0, colon);
        repositories[repo] = { ...repositories[repo], [tag.slice(colon + 1)]: topId };
      }
    }
    for (const entry of legacy) add(entry);
    const encoder = new TextEncoder();
    add({
      path: "manifest.json",
      kind: "file",
      mode: 0o444,
      body: encoder.encode(JSON.stringify(manifest)),
    });
    add({
      path: "repositories",
      kind: "file",
      mode: 0o444,
      body: encoder.encode(sortedJson(repositories)),
    });
    return entries;
  }

  /** Adds the legacy `<id>/{VERSION,json,layer.tar}` entries; returns the top layer ID. */
  #legacyLayers(
    image: WrittenImage,
    layerFiles: string[],
    config: Record<string, unknown>,
    out: TarWriteEntry[],
  ): string {
    const encoder = new TextEncoder();
    let chainId = "";
    let parentId = "";
    image.layerDigests.forEach((digest, i) => {
      chainId = chainId === "" ? digest : sha256Digest(`${chainId} ${digest}`);
      const isTop = i === image.layerDigests.length - 1;
      const id = sha256Digest(`${chainId} ${isTop ? image.configDigest : ""}`).slice(7);
      const layerConfig: Record<string, unknown> = { id };
      if (parentId !== "") layerConfig.parent = parentId;
      if (isTop) { for (const key of LEGACY_CONFIG_KEYS) layerConfig[key] = config[key] ?? null; }
      out.push(
        { path: `${id}/layer.tar`, kind: "symlink", linkTarget: `../${layerFiles[i]}` },
        { path: `${id}/VERSION`, kind: "file", mode: 0o444, body: encoder.encode("1.0") },
        {
          path: `${id}/json`,
          kind: "file",
          mode: 0o444,
          body: encoder.encode(sortedJson(layerConfig)),
        },
      );
      parentId = id;
    });
    return parentId;
  }
}
