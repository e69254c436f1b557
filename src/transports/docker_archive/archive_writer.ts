/**
 * The `docker save` archive writer: the archive is written while images are added, into a
 * file (atomically, on commit) or straight into a stream. A blob whose size is known (a
 * config, a layer whose uncompressed size the source knows) is streamed into it; one of
 * unknown size is staged in a temporary file first, to learn the size its tar header
 * needs. {@linkcode DockerArchiveWriter.commit} adds the metadata and ends the archive.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { isConfigType } from "../../types/mod.ts";
import type { BlobInfo } from "../types.ts";
import { BlobTarWriter, checkedBlob, type TarTarget, type TarWriteEntry } from "../_tar/mod.ts";
import { sha256Digest } from "../_streams.ts";
import { concatBytes } from "../../streams/mod.ts";
import { splitDigest } from "../oci/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import { sortedJson } from "./_archive_format.ts";

/** Options of {@linkcode DockerArchiveWriter}. */
export interface DockerArchiveWriterOptions {
  /**
   * Where blobs of unknown size are staged. @default the archive's folder (the OS
   * temporary folder for a stream)
   */
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
 * Collects one or more images into a `docker save` archive at `target` (a path, or a
 * stream that receives the archive as it is written). Each image's destination adds
 * blobs (one at a time, in the order they are given) and then the image; `commit()`
 * finishes the archive (a file atomically); `close()` discards an unfinished one (a
 * stream is aborted) and what was staged. A blob that fails half-written fails the whole
 * archive.
 */
export class DockerArchiveWriter {
  /** The archive file written on commit, or `-` for a stream. */
  readonly path: string;
  readonly #tar: BlobTarWriter;
  /** The entry path of every blob written into the archive, by digest. */
  readonly #blobs = new Map<string, string>();
  /** The bytes of every config written, by digest (the metadata needs them). */
  readonly #configs = new Map<string, Uint8Array>();
  readonly #images: WrittenImage[] = [];

  /** Prepares a writer for the archive at `target`. */
  constructor(fs: FileSystem, target: TarTarget, options: DockerArchiveWriterOptions = {}) {
    this.#tar = new BlobTarWriter(fs, target, {
      label: "docker-archive",
      tmpDir: options.tmpDir,
      signal: options.signal,
    });
    this.path = this.#tar.path;
  }

  /** Tells whether the blob was already added (a config: added as a config). */
  hasBlob(blob: BlobInfo): boolean {
    const path = this.#blobs.get(blob.digest);
    const size = path === undefined ? undefined : this.#tar.sizeOf(path);
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
    signal?: AbortSignal,
    verified = false,
  ): Promise<void> {
    this.#tar.checkOpen();
    const hex = splitDigest(blob.digest).hex;
    if (isConfig(blob)) {
      // Read whole first (the metadata needs it), checked like any blob.
      const checked = checkedBlob(blob, stream, verified);
      const bytes = await readAll(checked, signal);
      const path = `${hex}.json`;
      await this.#tar.add(
        { path, kind: "file", mode: 0o444, body: bytes, size: bytes.length },
        signal,
      );
      this.#blobs.set(blob.digest, path);
      this.#configs.set(blob.digest, bytes);
      return;
    }
    const path = `${hex}.tar`;
    await this.#tar.putBlob(path, blob, stream, signal, verified);
    this.#blobs.set(blob.digest, path);
  }

  /**
   * Records an image whose config and layers were added; an image with the same config
   * and layers gains the tags instead of being repeated.
   */
  addImage(configDigest: string, layerDigests: string[], repoTags: string[]): void {
    this.#tar.checkOpen();
    const entries = [
      `${splitDigest(configDigest).hex}.json`,
      ...layerDigests.map((digest) => `${splitDigest(digest).hex}.tar`),
    ];
    [configDigest, ...layerDigests].forEach((digest, i) => {
      if (this.#tar.sizeOf(entries[i]) === undefined) {
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

  /**
   * Adds the metadata and ends the archive (a file is renamed into place), then removes
   * what was staged.
   */
  async commit(): Promise<void> {
    this.#tar.checkOpen();
    await this.#tar.commit(this.#metadata());
  }

  /**
   * Removes what was staged; without a prior commit, the archive is discarded (a stream
   * is aborted).
   */
  close(): Promise<void> {
    return this.#tar.close();
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
