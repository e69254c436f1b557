/**
 * Writing one image into a `docker save` archive, alone or appended to a shared writer.
 *
 * @module
 */
import { InvalidManifestError, UnsupportedTransportError } from "../../errors.ts";
import { MediaType } from "../../types/mod.ts";
import type {
  BlobInfo,
  BlobWriteOptions,
  ImageDestination,
  ImageReference,
  LayerCompressionWish,
  ManifestBytes,
} from "../types.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import type { DockerArchiveWriter } from "./archive_writer.ts";

/** An {@linkcode ImageDestination} adding one image to a {@linkcode DockerArchiveWriter}. */
export class DockerArchiveDestination implements ImageDestination {
  /** The archive writer checks every blob it writes. */
  readonly verifiesBlobs = true;
  /** Blobs go into one tar stream, one after another. */
  readonly writesBlobsInOrder = true;
  /** Where the image is written. */
  readonly reference: ImageReference;
  readonly #writer: DockerArchiveWriter;
  readonly #ownsWriter: boolean;
  readonly #tags: string[];
  #image: { config: string; layers: string[] } | undefined;

  /** Adds to `writer`; when `ownsWriter`, commit writes the archive and close discards it. */
  constructor(
    reference: ImageReference,
    writer: DockerArchiveWriter,
    ownsWriter: boolean,
    tags: string[],
  ) {
    this.reference = reference;
    this.#writer = writer;
    this.#ownsWriter = ownsWriter;
    this.#tags = tags;
  }

  /** Docker schema 2 only. */
  supportedManifestTypes(): readonly string[] {
    return [MediaType.DockerManifest];
  }

  /** Archives hold uncompressed layers (digest = diff ID). */
  desiredLayerCompression(): LayerCompressionWish {
    return "decompress";
  }

  /** Archives hold single images. */
  supportsManifestLists(): boolean {
    return false;
  }

  /** Tells whether the archive already has the blob. */
  hasBlob(blob: BlobInfo): Promise<boolean> {
    return Promise.resolve(this.#writer.hasBlob(blob));
  }

  /** Writes a blob into the archive (not hashed again when the stream checks itself). */
  putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void> {
    return this.#writer.putBlob(blob, stream, options?.signal, options?.verified === true);
  }

  /** Takes the image's config and layer digests from its schema 2 manifest. */
  putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    const what = this.reference.toString();
    if (instanceDigest !== undefined) {
      throw new UnsupportedTransportError(what, "docker-archive cannot hold manifest lists");
    }
    const doc = parseJsonObject(manifest.bytes, what);
    const config = doc.config as { digest?: unknown } | undefined;
    const layers = doc.layers;
    if (
      typeof config?.digest !== "string" || !Array.isArray(layers) ||
      !layers.every((layer) => typeof layer?.digest === "string")
    ) {
      throw new InvalidManifestError(what, "not a schema 2 image manifest");
    }
    this.#image = {
      config: config.digest,
      layers: layers.map((layer: { digest: string }) => layer.digest),
    };
    return Promise.resolve();
  }

  /** Records the image; a destination with its own writer also writes the archive. */
  async commit(): Promise<void> {
    if (this.#image === undefined) {
      throw new TypeError("Cannot commit a docker-archive destination before putManifest");
    }
    this.#writer.addImage(this.#image.config, this.#image.layers, this.#tags);
    if (this.#ownsWriter) await this.#writer.commit();
  }

  /** Discards what was staged when this destination owns its writer. */
  async close(): Promise<void> {
    if (this.#ownsWriter) await this.#writer.close();
  }
}
