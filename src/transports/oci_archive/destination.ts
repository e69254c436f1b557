/**
 * Writing an image into an OCI archive: the layout's entries are streamed straight into
 * the tar as the blobs arrive (`oci-layout` first, then the blobs, `index.json` on
 * commit), into a file written atomically or into a stream. Nothing is staged but a blob
 * whose size is unknown.
 *
 * @module
 */
import { streamOf } from "../../streams/mod.ts";
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
import { BlobTarWriter, type TarTarget } from "../_tar/mod.ts";
import {
  addToIndex,
  emptyIndex,
  indexEntry,
  OCI_LAYOUT_CONTENT,
  OCI_MANIFEST_TYPES,
  splitDigest,
} from "../oci/mod.ts";
import type { OciArchiveReference } from "./reference.ts";

/** Opens a destination that writes `reference.path` (or its output stream) on commit. */
export function openOciArchiveDestination(
  reference: OciArchiveReference,
  context: TransportContext,
): Promise<ImageDestination> {
  return Promise.resolve(
    new OciArchiveDestination(reference, context, reference.output ?? reference.path),
  );
}

/** An {@linkcode ImageDestination} into an OCI archive, written as the blobs arrive. */
export class OciArchiveDestination implements ImageDestination {
  /** Every blob is checked on its way into the archive. */
  readonly verifiesBlobs = true;
  /** Blobs go into one tar stream, one after another. */
  readonly writesBlobsInOrder = true;
  /** Where the image is written. */
  readonly reference: ImageReference;
  readonly #tar: BlobTarWriter;
  readonly #refName: string | undefined;
  readonly #signal: AbortSignal | undefined;
  /** The folder entries written so far (`blobs`, `blobs/<algorithm>`). */
  readonly #folders = new Set<string>();
  readonly #acceptUncompressed: boolean;
  #top: Descriptor | undefined;

  /**
   * Writes into `target` (a file, renamed into place on commit, or a stream), staging a
   * blob of unknown size under `context.tmpDir` (default: the archive's folder).
   */
  constructor(reference: OciArchiveReference, context: TransportContext, target: TarTarget) {
    this.#acceptUncompressed = context.ociAcceptUncompressedLayers === true;
    this.reference = reference;
    this.#refName = reference.refName;
    this.#signal = context.signal;
    this.#tar = new BlobTarWriter(context.fs, target, {
      label: "oci-archive",
      tmpDir: context.tmpDir,
      signal: context.signal,
      mtime: new Date(),
      mode: 0o644,
    });
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

  /** Tells whether the archive already holds the blob. */
  hasBlob(blob: BlobInfo): Promise<boolean> {
    const size = this.#tar.sizeOf(this.#blobPath(blob.digest));
    return Promise.resolve(size !== undefined && (blob.size < 0 || blob.size === size));
  }

  /** Writes a blob as `blobs/<alg>/<hex>` (not hashed again when the stream checks itself). */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void> {
    const path = this.#blobPath(blob.digest);
    const folders = this.#addFolders(path);
    const put = this.#tar.putBlob(
      path,
      blob,
      stream,
      options?.signal ?? this.#signal,
      options?.verified === true,
    );
    // A folder entry that failed fails the archive: report its error, not the blob's.
    await Promise.all([folders, put]);
  }

  /** Writes a manifest blob; the top-level one is added to `index.json` on commit. */
  async putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    await this.putBlob(
      { digest: manifest.digest, size: manifest.bytes.length, mediaType: manifest.mediaType },
      streamOf(manifest.bytes),
    );
    if (instanceDigest === undefined) this.#top = indexEntry(manifest, this.#refName);
  }

  /** Adds `index.json` and ends the archive (a file is renamed into place). */
  async commit(): Promise<void> {
    if (this.#top === undefined) {
      throw new TypeError("Cannot commit an OCI archive destination before putManifest");
    }
    const index = new TextEncoder().encode(JSON.stringify(addToIndex(emptyIndex(), this.#top)));
    await this.#tar.commit([{ path: "index.json", kind: "file", mode: 0o644, body: index }]);
  }

  /** Discards an archive not committed (a stream is aborted), and what was staged. */
  close(): Promise<void> {
    return this.#tar.close();
  }

  #blobPath(digest: string): string {
    const { algorithm, hex } = splitDigest(digest);
    return `blobs/${algorithm}/${hex}`;
  }

  /** Queues `oci-layout` and the folders of `path` before its first blob. */
  async #addFolders(path: string): Promise<void> {
    const folder = path.slice(0, path.lastIndexOf("/"));
    if (this.#folders.has(folder)) return;
    const added: Promise<void>[] = [];
    if (this.#folders.size === 0) {
      added.push(
        this.#tar.add({
          path: "oci-layout",
          kind: "file",
          mode: 0o644,
          body: new TextEncoder().encode(OCI_LAYOUT_CONTENT),
        }),
        this.#tar.add({ path: "blobs", kind: "directory" }),
      );
      this.#folders.add("blobs");
    }
    added.push(this.#tar.add({ path: folder, kind: "directory" }));
    this.#folders.add(folder);
    await Promise.all(added);
  }
}
