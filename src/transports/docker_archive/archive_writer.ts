/**
 * The `docker save` archive writer: the archive is written while images are added. A blob
 * whose size is known (a config, a layer whose uncompressed size the source knows) is
 * streamed straight into it; one of unknown size is staged in a temporary file first, to
 * learn the size its tar header needs. {@linkcode DockerArchiveWriter.commit} adds the
 * metadata and renames the archive into place atomically.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { isConfigType } from "../../types/mod.ts";
import type { BlobInfo } from "../types.ts";
import { AtomicTarWriter, type TarWriteEntry } from "../_tar/mod.ts";
import { parentDir, tempPath } from "../_temp.ts";
import { sha256Digest } from "../_streams.ts";
import { digestVerifier } from "../../digest/mod.ts";
import { concatBytes } from "../../streams/mod.ts";
import { splitDigest } from "../oci/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import { sortedJson } from "./_archive_format.ts";

/** Options of {@linkcode DockerArchiveWriter}. */
export interface DockerArchiveWriterOptions {
  /** Where blobs of unknown size are staged. @default the archive's folder */
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

/** A blob body: bytes, or a function opening a stream of exactly the entry's size. */
type Body = Uint8Array | (() => Promise<ReadableStream<Uint8Array>>);

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
 * destination adds blobs (one at a time, in the order they are given) and then the image;
 * `commit()` finishes the archive (atomically); `close()` discards an unfinished one and
 * what was staged. A blob that fails half-written fails the whole archive.
 */
export class DockerArchiveWriter {
  /** The archive file written on commit. */
  readonly path: string;
  readonly #fs: FileSystem;
  readonly #staging: string;
  readonly #signal: AbortSignal | undefined;
  /** The size of every blob written into the archive, by digest. */
  readonly #blobs = new Map<string, number>();
  /** The bytes of every config written, by digest (the metadata needs them). */
  readonly #configs = new Map<string, Uint8Array>();
  /** The paths of the blob entries written. */
  readonly #paths = new Set<string>();
  readonly #images: WrittenImage[] = [];
  #tar: Promise<AtomicTarWriter> | undefined;
  /** Blob writes, one after another. */
  #queue: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;
  #closed = false;

  /** Prepares a writer for the archive at `path`. */
  constructor(fs: FileSystem, path: string, options: DockerArchiveWriterOptions = {}) {
    this.#fs = fs;
    this.path = path;
    this.#staging = tempPath(options.tmpDir ?? parentDir(path), "docker-archive");
    this.#signal = options.signal;
  }

  /** Tells whether the blob was already added (a config: added as a config). */
  hasBlob(blob: BlobInfo): boolean {
    const size = this.#blobs.get(blob.digest);
    if (isConfig(blob) && !this.#configs.has(blob.digest)) return false;
    return size !== undefined && (blob.size < 0 || blob.size === size);
  }

  /**
   * Adds a blob (checked against its sha256 digest and size, unless `verified` says the
   * stream checks itself: it errors before its end on a mismatch). A blob with a config
   * media type is kept as `<hex>.json`, any other as `<hex>.tar`.
   */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined = this.#signal,
    verified = false,
  ): Promise<void> {
    this.#checkOpen();
    const checked = verified ? stream : stream.pipeThrough(
      digestVerifier(blob.digest, {
        size: blob.size >= 0 ? blob.size : undefined,
        what: blob.digest,
      }),
    );
    const hex = splitDigest(blob.digest).hex;
    if (isConfig(blob)) {
      const bytes = await readAll(checked, signal);
      await this.#append(blob.digest, `${hex}.json`, bytes.length, bytes, signal);
      this.#configs.set(blob.digest, bytes);
      return;
    }
    if (blob.size >= 0) {
      await this.#append(
        blob.digest,
        `${hex}.tar`,
        blob.size,
        () => Promise.resolve(checked),
        signal,
      )
        .catch(async (error) => {
          await checked.cancel(error).catch(() => {});
          throw error;
        });
      return;
    }
    await this.#stage(blob, hex, checked, signal);
  }

  /** Writes a blob of unknown size into a temporary file, then into the archive. */
  async #stage(
    blob: BlobInfo,
    hex: string,
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    await this.#fs.mkdir(this.#staging, { recursive: true });
    const temporary = `${this.#staging}/${hex}.tmp-${crypto.randomUUID()}`;
    try {
      // The bytes are hashed once (above or by the stream itself); only count them here.
      let size = 0;
      const count = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.length;
          controller.enqueue(chunk);
        },
      });
      await stream.pipeThrough(count).pipeTo(await this.#fs.openWrite(temporary), { signal });
      await this.#append(
        blob.digest,
        `${hex}.tar`,
        size,
        () => this.#fs.openRead(temporary),
        signal,
      );
    } finally {
      await this.#fs.remove(temporary).catch(() => {});
    }
  }

  /** Appends a blob's entry once the blobs before it are written (once per digest). */
  #append(
    digest: string,
    path: string,
    size: number,
    body: Body,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const write = this.#queue.then(async () => {
      if (this.#failure !== undefined) {
        throw new TypeError(`Cannot add ${digest} to "${this.path}": an earlier write failed`, {
          cause: this.#failure.error,
        });
      }
      this.#checkOpen();
      if (this.#paths.has(path)) {
        if (typeof body === "function") await (await body()).cancel();
        return;
      }
      this.#tar ??= AtomicTarWriter.open(this.#fs, this.path, { signal: this.#signal });
      try {
        await (await this.#tar).add({ path, kind: "file", size, mode: 0o444, body }, signal);
      } catch (error) {
        this.#failure ??= { error };
        throw error;
      }
      this.#paths.add(path);
      this.#blobs.set(digest, size);
    });
    this.#queue = write.catch(() => {});
    return write;
  }

  /**
   * Records an image whose config and layers were added; an image with the same config
   * and layers gains the tags instead of being repeated.
   */
  addImage(configDigest: string, layerDigests: string[], repoTags: string[]): void {
    this.#checkOpen();
    const entries = [
      `${splitDigest(configDigest).hex}.json`,
      ...layerDigests.map((digest) => `${splitDigest(digest).hex}.tar`),
    ];
    [configDigest, ...layerDigests].forEach((digest, i) => {
      if (!this.#paths.has(entries[i])) {
        throw new TypeError(
          `Cannot add an image to the archive: ${
            i === 0 ? "config" : "layer"
          } ${digest} was not added`,
        );
      }
    });
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

  /** Adds the metadata and renames the archive into place, then removes what was staged. */
  async commit(): Promise<void> {
    this.#checkOpen();
    await this.#queue;
    if (this.#failure !== undefined) throw this.#failure.error;
    this.#tar ??= AtomicTarWriter.open(this.#fs, this.path, { signal: this.#signal });
    const tar = await this.#tar;
    for (const entry of this.#metadata()) await tar.add(entry);
    await tar.commit();
    await this.close();
  }

  /** Removes what was staged; without a prior commit, the archive is discarded. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const tar = await this.#tar?.catch(() => undefined);
    await tar?.abort();
    await this.#fs.remove(this.#staging, { recursive: true }).catch(() => {});
  }

  #checkOpen(): void {
    if (this.#closed) throw new TypeError(`The archive writer for "${this.path}" is closed`);
  }

  /** `manifest.json`, `repositories` and the legacy per-layer folders. */
  #metadata(): TarWriteEntry[] {
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
      const configFile = `${splitDigest(image.configDigest).hex}.json`;
      const config = parseJsonObject(this.#configs.get(image.configDigest)!, image.configDigest);
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

function isConfig(blob: BlobInfo): boolean {
  return blob.mediaType !== undefined && isConfigType(blob.mediaType);
}

/** Reads a (small, checked) stream whole. */
async function readAll(
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  await stream.pipeTo(new WritableStream({ write: (chunk) => void chunks.push(chunk) }), {
    signal,
  });
  return concatBytes(chunks);
}
