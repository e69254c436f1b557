/**
 * Writing one image (or index) into an OCI image layout; `index.json` changes on commit.
 *
 * @module
 */
import { streamOf } from "../../streams/mod.ts";
import type { FileSystem } from "../../fs/mod.ts";
import type { Descriptor } from "../../types/mod.ts";
import type {
  BlobInfo,
  BlobWriteOptions,
  ImageDestination,
  ImageReference,
  LayerCompressionWish,
  ManifestBytes,
  TransportContext,
} from "../types.ts";
import {
  addToIndex,
  emptyIndex,
  hasLayoutBlob,
  indexEntry,
  OCI_MANIFEST_TYPES,
  readIndex,
  writeIndex,
  writeLayoutBlob,
} from "./_layout.ts";

/** An {@linkcode ImageDestination} into the OCI image layout at a folder. */
export class OciLayoutDestination implements ImageDestination {
  /** Every blob is checked before it is renamed into place. */
  readonly verifiesBlobs = true;
  /** Where the image is written. */
  readonly reference: ImageReference;
  readonly #fs: FileSystem;
  readonly #signal: AbortSignal | undefined;
  readonly #dir: string;
  readonly #refName: string | undefined;
  readonly #acceptUncompressed: boolean;
  #top: Descriptor | undefined;
  #committed = false;

  /** Writes into the layout at `dir`, naming the image `refName` in `index.json`. */
  constructor(
    reference: ImageReference,
    context: TransportContext,
    dir: string,
    refName: string | undefined,
  ) {
    this.reference = reference;
    this.#fs = context.fs;
    this.#signal = context.signal;
    this.#dir = dir;
    this.#refName = refName;
    this.#acceptUncompressed = context.ociAcceptUncompressedLayers === true;
  }

  /** OCI manifests and indexes only. */
  supportedManifestTypes(): readonly string[] {
    return OCI_MANIFEST_TYPES;
  }

  /** Uncompressed layers are compressed, unless the context accepts them; others kept. */
  desiredLayerCompression(): LayerCompressionWish {
    return this.#acceptUncompressed ? "preserve" : "compress";
  }

  /** An OCI layout can hold indexes. */
  supportsManifestLists(): boolean {
    return true;
  }

  /** Tells whether `blobs/` already holds the blob. */
  hasBlob(blob: BlobInfo): Promise<boolean> {
    return hasLayoutBlob(this.#fs, this.#dir, blob.digest, blob.size);
  }

  /** Stores a blob under `blobs/<alg>/<hex>` (renamed into place once complete). */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void> {
    const signal = options?.signal ?? this.#signal;
    await writeLayoutBlob(this.#fs, this.#dir, blob.digest, blob.size, stream, signal, {
      verified: options?.verified,
    });
  }

  /** Stores a manifest blob; the top-level one is added to `index.json` on commit. */
  async putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    await writeLayoutBlob(
      this.#fs,
      this.#dir,
      manifest.digest,
      manifest.bytes.length,
      streamOf(manifest.bytes),
      this.#signal,
    );
    if (instanceDigest === undefined) this.#top = indexEntry(manifest, this.#refName);
  }

  /** Adds the image to `index.json` (atomically replaced). */
  async commit(): Promise<void> {
    if (this.#top === undefined) {
      throw new TypeError("Cannot commit an OCI layout destination before putManifest");
    }
    const what = this.reference.toString();
    const index = await readIndex(this.#fs, this.#dir, what) ?? emptyIndex();
    await writeIndex(this.#fs, this.#dir, addToIndex(index, this.#top));
    this.#committed = true;
  }

  /** Nothing to release; blobs written without a commit stay unreferenced. */
  close(): Promise<void> {
    return Promise.resolve();
  }

  /** Whether {@linkcode commit} succeeded. */
  get committed(): boolean {
    return this.#committed;
  }
}
