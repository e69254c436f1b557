/**
 * Writing an image (or a manifest list with its instances) into the local store: blobs
 * and manifests go in as they arrive, the image record is committed last, under the
 * store's lock, so a killed copy leaves no record behind.
 *
 * @module
 */
import { CorruptedError, InvalidManifestError } from "../../errors.ts";
import { parseImageConfig, parseImageManifest, parseManifest } from "../../manifest/mod.ts";
import type { BlobLeaseHandle, ImageRecord, ImageStore } from "../../store/types.ts";
import { MediaType, type Platform } from "../../types/mod.ts";
import type { BlobInfo, ImageDestination, LayerCompressionWish, ManifestBytes } from "../types.ts";
import type { ContainersStorageReference } from "./reference.ts";

/** The manifest types the store accepts, preferred first. */
export const STORAGE_MANIFEST_TYPES: readonly string[] = [
  MediaType.OciManifest,
  MediaType.DockerManifest,
  MediaType.OciIndex,
  MediaType.DockerManifestList,
];

function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
}

/** An {@linkcode ImageDestination} into an {@linkcode ImageStore}. */
export class ContainersStorageDestination implements ImageDestination {
  /** The store checks every blob it is given. */
  readonly verifiesBlobs = true;
  /** Where the image is written. */
  readonly reference: ContainersStorageReference;
  readonly #store: ImageStore;
  readonly #instances = new Map<string, ManifestBytes>();
  #top: ManifestBytes | undefined;
  #committed: ImageRecord | undefined;
  #lease: BlobLeaseHandle | undefined;

  /** Writes into the store of `reference`, under its name (if any). */
  constructor(reference: ContainersStorageReference) {
    this.reference = reference;
    this.#store = reference.store;
  }

  /** OCI and Docker schema 2 manifests and lists. */
  supportedManifestTypes(): readonly string[] {
    return STORAGE_MANIFEST_TYPES;
  }

  /** Layers are stored as they come. */
  desiredLayerCompression(): LayerCompressionWish {
    return "preserve";
  }

  /** The store holds manifest lists. */
  supportsManifestLists(): boolean {
    return true;
  }

  /**
   * Tells whether the store has the blob (with its size, when known). A blob found is
   * leased first, under the store's lock, so a concurrent `gc()` cannot remove it before
   * the commit.
   */
  async hasBlob(blob: BlobInfo): Promise<boolean> {
    const size = blob.size >= 0 ? blob.size : undefined;
    if (!this.#store.leaseBlobs) return await this.#store.hasBlob(blob.digest, size);
    return await this.#store.withLock(async () => {
      await this.#leaseOf(blob.digest);
      return await this.#store.hasBlob(blob.digest, size);
    });
  }

  /** Stores a blob (leased, verified, and renamed into place only when complete). */
  async putBlob(blob: BlobInfo, stream: ReadableStream<Uint8Array>): Promise<void> {
    await this.#leaseOf(blob.digest);
    await this.#store.putBlob(blob.digest, blob.size, stream);
  }

  /** Stores a manifest blob; the top-level one (no `instanceDigest`) is committed. */
  async putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    await this.#leaseOf(manifest.digest);
    await this.#store.putBlob(manifest.digest, manifest.bytes.length, streamOf(manifest.bytes));
    if (instanceDigest !== undefined) this.#instances.set(manifest.digest, manifest);
    else this.#top = manifest;
  }

  /**
   * Commits the image record(s): an image gets the reference's name; a list copied with
   * its instances becomes a list record with the name, each instance an unnamed image that
   * also carries the list's digest.
   */
  async commit(): Promise<void> {
    const top = this.#top;
    if (top === undefined) {
      throw new TypeError("Cannot commit a containers-storage destination before putManifest");
    }
    const names = this.reference.name === undefined ? [] : [this.reference.name];
    const what = this.reference.toString();
    const parsed = parseManifest(top.bytes, { what, contentType: top.mediaType });
    this.#committed = await this.#store.withLock(async () => {
      if (parsed.kind !== "index") {
        return await this.#commitImage(top, names, [...this.reference.extraDigests]);
      }
      for (const instance of this.#instances.values()) {
        await this.#commitImage(instance, [], [top.digest]);
      }
      const existing = (await this.#store.imagesByDigest(top.digest))
        .find((record) => record.isManifestList);
      const byName = this.reference.name === undefined
        ? undefined
        : await this.#store.imageByName(this.reference.name);
      const id = this.reference.id ?? existing?.id ??
        (byName?.isManifestList ? byName.id : undefined) ?? randomId();
      return await this.#store.commitImage({
        id,
        manifestDigest: top.digest,
        manifestMediaType: parsed.mediaType,
        extraDigests: [...this.reference.extraDigests],
        names,
        isManifestList: true,
        size: top.bytes.length,
      });
    });
  }

  /** The record committed, once {@linkcode commit} succeeded. */
  get committed(): ImageRecord | undefined {
    return this.#committed;
  }

  /** Releases the blob lease; blobs written without a commit are left for `gc()`. */
  async close(): Promise<void> {
    const lease = this.#lease;
    this.#lease = undefined;
    await lease?.release();
  }

  async #leaseOf(digest: string): Promise<void> {
    if (!this.#store.leaseBlobs) return;
    this.#lease ??= this.#store.leaseBlobs();
    await this.#lease.add(digest);
  }

  async #commitImage(
    manifest: ManifestBytes,
    names: string[],
    extraDigests: string[],
  ): Promise<ImageRecord> {
    const what = `${this.reference}@${manifest.digest}`;
    const parsed = parseImageManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    const configDigest = parsed.manifest.config.digest;
    if (!configDigest.startsWith("sha256:")) {
      throw new InvalidManifestError(what, `the config digest ${configDigest} is not sha256`);
    }
    const id = configDigest.slice("sha256:".length);
    if (this.reference.id !== undefined && this.reference.id !== id && names.length > 0) {
      throw new InvalidManifestError(what, `the image ID ${id} is not ${this.reference.id}`);
    }
    const configBytes = await this.#store.readBlobBytes(configDigest);
    const config = parseImageConfig(configBytes, { what: configDigest }).config;
    const layers = parsed.manifest.layers;
    for (const layer of layers) {
      // A concurrent gc() may have removed a blob we wrote before we took the lock.
      if (!await this.#store.hasBlob(layer.digest)) {
        throw new CorruptedError(what, `layer ${layer.digest} vanished before commit; retry`);
      }
    }
    const platform: Platform = { os: config.os, architecture: config.architecture };
    if (config.variant) platform.variant = config.variant;
    return await this.#store.commitImage({
      id,
      manifestDigest: manifest.digest,
      manifestMediaType: parsed.mediaType,
      extraDigests,
      names,
      isManifestList: false,
      layers: layers.map((layer) => layer.digest),
      diffIds: [...(config.rootfs.diff_ids ?? [])],
      size: configBytes.length + layers.reduce((sum, layer) => sum + layer.size, 0),
      created: config.created ?? "",
      platform,
    });
  }
}
