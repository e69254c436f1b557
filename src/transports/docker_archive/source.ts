/**
 * Reading one image of a `docker save` archive. The manifest is synthesized as Docker
 * schema 2 the way containers/image does: layer digests are the uncompressed diff IDs,
 * with the media type `application/vnd.docker.image.rootfs.diff.tar.gzip`.
 *
 * @module
 */
import {
  BlobUnknownError,
  DigestMismatchError,
  InvalidArchiveError,
  ManifestUnknownError,
} from "../../errors.ts";
import { digestingStream } from "../../digest/mod.ts";
import { parseNormalizedName } from "../../reference/mod.ts";
import { MediaType } from "../../types/mod.ts";
import type {
  ArchiveFiles,
  BlobFile,
  BlobInfo,
  ImageReference,
  ImageSource,
  ManifestBytes,
  TransportContext,
} from "../types.ts";
import { extractArchive } from "../extract_archive.ts";
import { gunzipIfCompressed, isGzip, sha256Digest } from "../_streams.ts";
import { peekStream, streamOf } from "../../streams/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import { type ArchiveImage, readArchiveImages } from "./_archive_reader.ts";
import type { DockerArchiveReference } from "./reference.ts";

/** The full form of a stored tag, or `undefined` when it does not parse. */
export function normalizedRepoTag(tag: string): string | undefined {
  try {
    const ref = parseNormalizedName(tag);
    return ref.digest === undefined ? ref.tagNameOnly().toString() : undefined;
  } catch {
    return undefined;
  }
}

/** Picks the image a reference names among `images`. */
export function selectArchiveImage<T extends { repoTags: string[] }>(
  images: T[],
  reference: { tag?: string; index?: number },
  what: string,
): T {
  if (reference.tag !== undefined) {
    const found = images.find((image) =>
      image.repoTags.some((tag) => normalizedRepoTag(tag) === reference.tag)
    );
    if (found === undefined) throw new ManifestUnknownError(`${what}`);
    return found;
  }
  if (reference.index !== undefined) {
    const found = images[reference.index];
    if (found === undefined) {
      throw new ManifestUnknownError(what, {
        cause: new RangeError(`the archive holds ${images.length} image(s)`),
      });
    }
    return found;
  }
  if (images.length === 1) return images[0];
  if (images.length === 0) throw new InvalidArchiveError(what, "Missing", "no image in archive");
  throw new InvalidArchiveError(
    what,
    "Format",
    `the archive holds ${images.length} images; choose one with :NAME or :@INDEX`,
  );
}

/**
 * Opens the image `reference` selects. The archive is extracted once, every file hashed
 * and flushed on the way, so its plain layers are handed over as files (`blobFile`): a
 * pull into the store takes them by a rename instead of copying their bytes again.
 */
export async function openDockerArchiveSource(
  reference: DockerArchiveReference,
  context: TransportContext,
): Promise<ImageSource> {
  const what = reference.toString();
  const archive = await extractArchive(context.fs, await context.fs.openRead(reference.path), {
    what,
    tmpDir: context.tmpDir,
    label: "docker-archive",
    signal: context.signal,
  });
  try {
    const images = await readArchiveImages(archive.files, what);
    const image = selectArchiveImage(images, reference, what);
    return new DockerArchiveSource(reference, archive.files, image, { file: archive.blobFile });
  } catch (error) {
    await archive.remove().catch(() => {});
    throw error;
  }
}

interface LayerInfo {
  path: string;
  size: number;
}

/** Options of {@linkcode DockerArchiveSource}. */
export interface DockerArchiveSourceOptions {
  /** Leave the extracted files in place on close (their owner removes them). @default false */
  keepFiles?: boolean;
  /**
   * Called with every chunk a compressed layer inflates to while the manifest is built; a
   * throw stops it (a byte budget). @default none
   */
  onInflate?: (bytes: number, path: string) => void;
  /**
   * The archive file at `path` as a {@linkcode BlobFile} destinations may take (with what
   * its bytes decompress to, when known): a plain layer is then handed over as its file,
   * and a layer whose uncompressed digest and size are known is not inflated to learn
   * them. @default none
   */
  file?: (path: string) => BlobFile | undefined;
}

/** An {@linkcode ImageSource} over one image of an extracted archive. */
export class DockerArchiveSource implements ImageSource {
  /** Where the image is read from. */
  readonly reference: ImageReference;
  readonly #files: ArchiveFiles;
  readonly #image: ArchiveImage;
  readonly #configDigest: string;
  readonly #options: DockerArchiveSourceOptions;
  #manifest: ManifestBytes | undefined;
  #layers = new Map<string, LayerInfo>();

  /** Wraps `image` of the extracted archive `files`. */
  constructor(
    reference: ImageReference,
    files: ArchiveFiles,
    image: ArchiveImage,
    options: DockerArchiveSourceOptions = {},
  ) {
    this.reference = reference;
    this.#files = files;
    this.#image = image;
    this.#configDigest = sha256Digest(image.config);
    this.#options = options;
  }

  /** The tags stored for the image. */
  get repoTags(): string[] {
    return [...this.#image.repoTags];
  }

  /**
   * Returns the synthesized schema 2 manifest; archives hold no lists. Building it checks
   * every layer against its diff ID where the bytes are hashed anyway (a compressed layer
   * is inflated once to learn its size; a plain one hashed at extraction), so a tampered
   * layer fails here, before a destination sees any blob.
   */
  async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
    if (instanceDigest !== undefined) {
      throw new ManifestUnknownError(`${this.reference}@${instanceDigest}`);
    }
    this.#manifest ??= await this.#buildManifest();
    return this.#manifest;
  }

  async #buildManifest(): Promise<ManifestBytes> {
    const what = this.reference.toString();
    const config = parseJsonObject(this.#image.config, `${what} config`);
    const rootfs = config.rootfs as { diff_ids?: unknown } | undefined;
    const diffIds = Array.isArray(rootfs?.diff_ids) ? rootfs.diff_ids as string[] : [];
    if (diffIds.length !== this.#image.layers.length) {
      throw new InvalidArchiveError(
        what,
        "Format",
        `the config lists ${diffIds.length} layers, the archive ${this.#image.layers.length}`,
      );
    }
    const layers = [];
    for (let i = 0; i < diffIds.length; i++) {
      const path = this.#image.layers[i];
      const size = await this.#measure(path, diffIds[i]);
      this.#layers.set(diffIds[i], { path, size });
      layers.push({ mediaType: MediaType.DockerLayerGzip, size, digest: diffIds[i] });
    }
    const manifest = {
      schemaVersion: 2,
      mediaType: MediaType.DockerManifest,
      config: {
        mediaType: MediaType.DockerConfig,
        size: this.#image.config.length,
        digest: this.#configDigest,
      },
      layers,
    };
    const bytes = new TextEncoder().encode(JSON.stringify(manifest));
    return { bytes, mediaType: MediaType.DockerManifest, digest: sha256Digest(bytes) };
  }

  /** The uncompressed size of the layer at `path`, checked against `diffId` when hashed. */
  async #measure(path: string, diffId: string): Promise<number> {
    const what = `${this.reference}/${path}`;
    const known = this.#options.file?.(path)?.uncompressed;
    if (known !== undefined) {
      if (known.digest !== diffId) {
        throw new DigestMismatchError(what, diffId, known.digest, known.size);
      }
      return known.size;
    }
    const peeked = await peekStream(await this.#files.open(path), 2);
    if (!isGzip(peeked.head)) {
      await peeked.stream.cancel();
      const size = this.#files.size(path);
      const digest = this.#files.digestOf(path);
      if (digest !== undefined && digest !== diffId) {
        throw new DigestMismatchError(what, diffId, digest, size);
      }
      return size;
    }
    const onInflate = this.#options.onInflate;
    const tap = digestingStream();
    const stream = await gunzipIfCompressed(peeked.stream, path);
    await stream.pipeThrough(tap).pipeTo(
      new WritableStream({
        write(chunk) {
          onInflate?.(chunk.length, path);
        },
      }),
    );
    const { digest, size } = await tap.result;
    if (digest.toString() !== diffId) {
      throw new DigestMismatchError(what, diffId, digest.toString(), size);
    }
    return size;
  }

  /** Streams the config or a layer (inflated if it is stored compressed). */
  async getBlob(blob: BlobInfo): Promise<ReadableStream<Uint8Array>> {
    if (blob.digest === this.#configDigest) {
      return streamOf(this.#image.config);
    }
    await this.getManifest();
    const layer = this.#layers.get(blob.digest);
    if (layer === undefined) throw new BlobUnknownError(`${this.reference}@${blob.digest}`);
    return gunzipIfCompressed(await this.#files.open(layer.path), layer.path);
  }

  /**
   * The file of a layer stored plain in the archive (what `getBlob` streams as it is), when
   * the archive's owner hands its files over (see `DockerArchiveSourceOptions.file`).
   */
  async blobFile(blob: BlobInfo): Promise<BlobFile | undefined> {
    if (this.#options.file === undefined || blob.digest === this.#configDigest) return undefined;
    await this.getManifest();
    const layer = this.#layers.get(blob.digest);
    const file = layer === undefined ? undefined : this.#options.file(layer.path);
    const plain = file?.uncompressed?.compression === "none" &&
      file.uncompressed.digest === blob.digest;
    return plain ? file : undefined;
  }

  /** Removes the extracted archive (unless its owner keeps it). */
  async close(): Promise<void> {
    if (!this.#options.keepFiles) await this.#files.remove();
  }
}
