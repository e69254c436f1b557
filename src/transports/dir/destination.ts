/**
 * Writing an image into a `dir:` folder. Blobs are renamed into place once complete; the
 * manifest is written last, atomically.
 *
 * @module
 */
import { type FileSystem, isNotFound, writeFileAtomic } from "../../fs/mod.ts";
import { UnsupportedTransportError } from "../../errors.ts";
import { MediaType } from "../../types/mod.ts";
import type {
  BlobInfo,
  BlobWriteOptions,
  ImageDestination,
  LayerCompressionWish,
  ManifestBytes,
  TransportContext,
} from "../types.ts";
import { digestVerifier } from "../../digest/mod.ts";
import { DIR_VERSION, dirBlobPath, dirManifestPath } from "./_paths.ts";
import type { DirReference } from "./reference.ts";

/** Every manifest type a folder can hold. */
const DIR_MANIFEST_TYPES: readonly string[] = [
  MediaType.OciManifest,
  MediaType.DockerManifest,
  MediaType.OciIndex,
  MediaType.DockerManifestList,
  MediaType.DockerSchema1Signed,
  MediaType.DockerSchema1,
];

/**
 * Prepares the folder: created if missing; emptied if it holds a previous `dir:` image
 * (it has a `version` file); refused if it holds anything else.
 */
export async function openDirDestination(
  reference: DirReference,
  context: TransportContext,
): Promise<ImageDestination> {
  const { fs } = context;
  const dir = reference.path;
  let names: string[] = [];
  try {
    names = await fs.readDir(dir);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await fs.mkdir(dir, { recursive: true });
  }
  if (names.length > 0) {
    if (!names.includes("version")) {
      throw new UnsupportedTransportError(
        reference.toString(),
        "the folder is not empty and was not written by the dir transport",
      );
    }
    for (const name of names) await fs.remove(`${dir}/${name}`, { recursive: true });
  }
  await writeFileAtomic(fs, `${dir}/version`, DIR_VERSION);
  return new DirDestination(reference, fs, context.signal);
}

/** An {@linkcode ImageDestination} into a `dir:` folder. */
export class DirDestination implements ImageDestination {
  /** Every blob is checked before it is renamed into place. */
  readonly verifiesBlobs = true;
  /** Where the image is written. */
  readonly reference: DirReference;
  readonly #fs: FileSystem;
  readonly #signal: AbortSignal | undefined;

  /** Writes into `reference.path` (already prepared). */
  constructor(reference: DirReference, fs: FileSystem, signal?: AbortSignal) {
    this.reference = reference;
    this.#fs = fs;
    this.#signal = signal;
  }

  /** Any manifest type. */
  supportedManifestTypes(): readonly string[] {
    return DIR_MANIFEST_TYPES;
  }

  /** `compress` or `decompress` when the reference forces it, else layers are kept. */
  desiredLayerCompression(): LayerCompressionWish {
    if (this.reference.forceCompress) return "compress";
    return this.reference.forceDecompress ? "decompress" : "preserve";
  }

  /** A folder holds lists (instances as `<hex>.manifest.json`). */
  supportsManifestLists(): boolean {
    return true;
  }

  /** Tells whether the blob file exists with the right size. */
  async hasBlob(blob: BlobInfo): Promise<boolean> {
    try {
      const info = await this.#fs.stat(dirBlobPath(this.reference.path, blob.digest));
      return info.isFile && (blob.size < 0 || info.size === blob.size);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** Writes the blob to a temporary file, checks it and renames it into place. */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void> {
    const target = dirBlobPath(this.reference.path, blob.digest);
    const temporary = `${this.reference.path}/.tmp-${crypto.randomUUID()}`;
    try {
      // A stream that checks itself (`options.verified`) is not hashed a second time.
      const verified = options?.verified === true ? stream : stream.pipeThrough(
        digestVerifier(blob.digest, {
          size: blob.size >= 0 ? blob.size : undefined,
          what: blob.digest,
        }),
      );
      await verified.pipeTo(await this.#fs.openWrite(temporary), {
        signal: options?.signal ?? this.#signal,
      });
      await this.#fs.rename(temporary, target);
    } catch (error) {
      await this.#fs.remove(temporary).catch(() => {});
      throw error;
    }
  }

  /** Writes `manifest.json` (or `<hex>.manifest.json` for an instance), atomically. */
  async putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    await writeFileAtomic(
      this.#fs,
      dirManifestPath(this.reference.path, instanceDigest),
      manifest.bytes,
    );
  }

  /** Everything is already in place. */
  commit(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
