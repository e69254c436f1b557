/**
 * Reading one image (or index) from an OCI image layout.
 *
 * @module
 */
import { type FileSystem, isNotFound } from "../../fs/mod.ts";
import { BlobUnknownError, InvalidArchiveError, ManifestUnknownError } from "../../errors.ts";
import { Annotation, type Descriptor, type ImageIndex } from "../../types/mod.ts";
import type { BlobFile, BlobInfo, ImageReference, ImageSource, ManifestBytes } from "../types.ts";
import { manifestMediaType } from "../_manifest_type.ts";
import { verifyDigest } from "../../digest/mod.ts";
import { blobPath, refNameOf, requireIndex } from "./_layout.ts";

/** Options of {@linkcode openOciLayoutSource}. */
export interface OciLayoutSourceOptions {
  /**
   * Also match `refName` against the `io.containerd.image.name` annotation (buildkit
   * archives). @default false
   */
  matchContainerdName?: boolean;
  /** Runs when the source is closed (e.g. to remove an extracted archive). */
  onClose?: () => Promise<void>;
  /**
   * Hands out the file of a blob the source owns (an extracted archive's, hashed as it
   * was written; see `ImageSource.blobFile`). @default none
   */
  blobFile?: BlobFiles;
}

/** Hands out the file of a blob (see `ImageSource.blobFile`). */
export type BlobFiles = (blob: BlobInfo) => Promise<BlobFile | undefined>;

/**
 * Picks the index entry an OCI reference names: the one with ref name `refName`, or
 * without a ref name the only entry. Throws `ManifestUnknownError` when none matches and
 * `InvalidArchiveError` when the choice is ambiguous or the layout is empty.
 */
export function selectIndexEntry(
  index: ImageIndex,
  refName: string | undefined,
  what: string,
  matchContainerdName = false,
): Descriptor {
  if (refName === undefined) {
    if (index.manifests.length === 1) return index.manifests[0];
    if (index.manifests.length === 0) {
      throw new InvalidArchiveError(what, "Missing", "the layout holds no image");
    }
    throw new InvalidArchiveError(
      what,
      "Format",
      "more than one image in the layout, choose one with :REF",
    );
  }
  const found = index.manifests.find((entry) => refNameOf(entry) === refName) ??
    (matchContainerdName
      ? index.manifests.find((entry) =>
        entry.annotations?.[Annotation.ContainerdImageName] === refName
      )
      : undefined);
  if (found === undefined) throw new ManifestUnknownError(`${what}:${refName}`);
  return found;
}

/** Opens the image `refName` of the layout at `dir`. */
export async function openOciLayoutSource(
  reference: ImageReference,
  fs: FileSystem,
  dir: string,
  refName: string | undefined,
  options: OciLayoutSourceOptions = {},
): Promise<ImageSource> {
  const what = reference.toString();
  const index = await requireIndex(fs, dir, what);
  const descriptor = selectIndexEntry(index, refName, what, options.matchContainerdName);
  return new OciLayoutSource(reference, fs, dir, descriptor, options.onClose, options.blobFile);
}

/** An {@linkcode ImageSource} over an OCI image layout. */
export class OciLayoutSource implements ImageSource {
  /** Where the image is read from. */
  readonly reference: ImageReference;
  /** The index entry of the image. */
  readonly descriptor: Descriptor;
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #onClose: (() => Promise<void>) | undefined;
  readonly #files: BlobFiles | undefined;

  /**
   * Wraps the layout at `dir` and its entry `descriptor`; with `files`, blobs are handed
   * over as files (see {@linkcode OciLayoutSource.blobFile}).
   */
  constructor(
    reference: ImageReference,
    fs: FileSystem,
    dir: string,
    descriptor: Descriptor,
    onClose?: () => Promise<void>,
    files?: BlobFiles,
  ) {
    this.reference = reference;
    this.#fs = fs;
    this.#dir = dir;
    this.descriptor = descriptor;
    this.#onClose = onClose;
    this.#files = files;
  }

  /** Reads the entry's manifest, or the instance `instanceDigest` of its index. */
  async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
    const digest = instanceDigest ?? this.descriptor.digest;
    const what = `${this.reference}@${digest}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.#fs.readFile(blobPath(this.#dir, digest));
    } catch (error) {
      if (isNotFound(error)) throw new ManifestUnknownError(what, { cause: error });
      throw error;
    }
    if (digest.startsWith("sha256:")) verifyDigest(bytes, digest, { what });
    const mediaType = instanceDigest === undefined && this.descriptor.mediaType
      ? this.descriptor.mediaType
      : manifestMediaType(bytes, what);
    return { bytes, mediaType, digest };
  }

  /** Streams the blob `blob.digest` from `blobs/`. */
  async getBlob(blob: BlobInfo): Promise<ReadableStream<Uint8Array>> {
    try {
      return await this.#fs.openRead(blobPath(this.#dir, blob.digest));
    } catch (error) {
      if (isNotFound(error)) {
        throw new BlobUnknownError(`${this.reference}@${blob.digest}`, { cause: error });
      }
      throw error;
    }
  }

  /**
   * The file of `blob` when the source owns its files (an extracted archive's, hashed as
   * it was written), which a destination may move into place; else `undefined`.
   */
  blobFile(blob: BlobInfo): Promise<BlobFile | undefined> {
    return this.#files?.(blob) ?? Promise.resolve(undefined);
  }

  /** Releases the source (and what `onClose` cleans up). */
  async close(): Promise<void> {
    await this.#onClose?.();
  }
}
