/**
 * Reading an image from a `dir:` folder.
 *
 * @module
 */
import { type FileSystem, isNotFound } from "../../fs/mod.ts";
import { BlobUnknownError, ManifestUnknownError } from "../../errors.ts";
import type { BlobInfo, ImageReference, ImageSource, ManifestBytes } from "../types.ts";
import { manifestMediaType } from "../_manifest_type.ts";
import { sha256Digest } from "../_streams.ts";
import { dirBlobPath, dirManifestPath } from "./_paths.ts";

/** An {@linkcode ImageSource} over a `dir:` folder. */
export class DirSource implements ImageSource {
  /** Where the image is read from. */
  readonly reference: ImageReference;
  readonly #fs: FileSystem;
  readonly #dir: string;

  /** Reads the folder `dir`. */
  constructor(reference: ImageReference, fs: FileSystem, dir: string) {
    this.reference = reference;
    this.#fs = fs;
    this.#dir = dir;
  }

  /** Reads `manifest.json`, or `<hex>.manifest.json` for an instance. */
  async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
    const what = instanceDigest === undefined
      ? this.reference.toString()
      : `${this.reference}@${instanceDigest}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.#fs.readFile(dirManifestPath(this.#dir, instanceDigest));
    } catch (error) {
      if (isNotFound(error)) throw new ManifestUnknownError(what, { cause: error });
      throw error;
    }
    return { bytes, mediaType: manifestMediaType(bytes, what), digest: sha256Digest(bytes) };
  }

  /** Streams the blob file named by the digest. */
  async getBlob(blob: BlobInfo): Promise<ReadableStream<Uint8Array>> {
    try {
      return await this.#fs.openRead(dirBlobPath(this.#dir, blob.digest));
    } catch (error) {
      if (isNotFound(error)) {
        throw new BlobUnknownError(`${this.reference}@${blob.digest}`, { cause: error });
      }
      throw error;
    }
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
