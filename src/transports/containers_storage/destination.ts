/**
 * Writing an image (or a manifest list with its instances) into the local store: blobs
 * and manifests go in as they arrive, the image record is committed last, under the
 * store's lock, so a killed copy leaves no record behind.
 *
 * The store keeps what the bytes are, whatever a source claims: each layer is sniffed,
 * decompressed and hashed on the side while it is written (its diff ID must be one of
 * the image config's, in order, or nothing is kept), an image manifest whose layer media
 * types claim another compression than the bytes have is stored with the true ones, and
 * each layer's uncompressed size is recorded.
 *
 * @module
 */
import { CorruptedError, DigestMismatchError, InvalidManifestError } from "../../errors.ts";
import { streamOf } from "../../streams/mod.ts";
import {
  configDiffIds,
  parseImageConfig,
  parseImageManifest,
  parseManifest,
} from "../../manifest/mod.ts";
import { imageManifests } from "../../store/image_manifests.ts";
import {
  type LayerFacts,
  layerProbe,
  probeStoredLayer,
  sniffStoredBlob,
} from "../../store/layer_probe.ts";
import type { BlobLeaseHandle, ImageRecord, ImageStore } from "../../store/types.ts";
import {
  type Descriptor,
  isConfigType,
  isNondistributableLayerType,
  layerCompression,
  MediaType,
  type Platform,
  type SourceVerification,
} from "../../types/mod.ts";
import { truthfulManifest } from "./_truthful_manifest.ts";
import type {
  BlobFile,
  BlobInfo,
  BlobWriteOptions,
  ImageDestination,
  LayerCompressionWish,
  ManifestBytes,
} from "../types.ts";
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
  #sourceList: ManifestBytes | undefined;
  /** The digest the top-level manifest was given with (before a truthful rewrite). */
  #topGiven: string | undefined;
  /** What the signature policy verified, by the digest of the manifest as given. */
  readonly #verifications = new Map<string, SourceVerification>();
  /** What the layers written or checked by this destination hold, by blob digest. */
  readonly #facts = new Map<string, Omit<LayerFacts, "compression">>();
  /** The compression each layer written by this destination really has. */
  readonly #compressions = new Map<string, string>();
  /** The diff IDs of the configs given so far: a layer must have one of them. */
  readonly #diffIds = new Set<string>();
  #known: Promise<Map<string, Omit<LayerFacts, "compression">>> | undefined;

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
    // A blob missing at a first look is missing: no lock, no lease (the write leases it).
    const present = await this.#store.hasBlob(blob.digest, size);
    const has = !present || !this.#store.leaseBlobs
      ? present
      : await this.#store.withLock(async () => {
        await this.#leaseOf(blob.digest);
        return await this.#store.hasBlob(blob.digest, size);
      });
    if (has && isConfig(blob)) await this.#noteConfig(blob.digest);
    return has;
  }

  /** Leases `blobs` in one write before they are looked up or written one by one. */
  async prepareBlobs(blobs: readonly BlobInfo[]): Promise<void> {
    await Promise.all(blobs.map((blob) => this.#leaseOf(blob.digest)));
  }

  /**
   * Stores a blob (leased, verified, and renamed into place only when complete). A layer
   * is probed on the way: its compression, diff ID and uncompressed size are learned in
   * the same pass, and a diff ID the image configs given so far do not list fails the
   * write (nothing is kept).
   */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void> {
    await this.#leaseOf(blob.digest);
    // A stream that checks itself against the digest is not hashed a second time.
    const verified = options?.verified === true;
    if (!isLayer(blob)) {
      await this.#store.putBlob(blob.digest, blob.size, stream, { verified });
      if (isConfig(blob)) await this.#noteConfig(blob.digest);
      return;
    }
    const what = `layer ${blob.digest} of ${this.reference}`;
    const probe = layerProbe(what, (facts) => {
      if (this.#diffIds.size > 0 && !this.#diffIds.has(facts.diffId)) {
        throw new DigestMismatchError(
          `${what} (uncompressed)`,
          "a diff ID of the image config",
          facts.diffId,
          facts.size,
        );
      }
    });
    await this.#store.putBlob(blob.digest, blob.size, stream, { tap: probe.tap, verified });
    // A store that does not take `tap` stored the blob unprobed: read it once more.
    const facts = probe.ended
      ? await probe.facts
      : await probeStoredLayer(this.#store, blob.digest);
    this.#facts.set(blob.digest, { diffId: facts.diffId, size: facts.size });
    this.#compressions.set(blob.digest, facts.compression);
  }

  /**
   * Stores a blob held as a verified file by moving it into place (see
   * `ImageStore.adoptBlob`). A layer needs its uncompressed digest and size (from the
   * file) and is checked like a written one: a diff ID the image configs given so far do
   * not list fails, before the file is moved. `false` when the store cannot take the file
   * or a layer's facts are unknown: the bytes are then written with `putBlob`.
   */
  async putBlobFile(blob: BlobInfo, file: BlobFile): Promise<boolean> {
    if (this.#store.adoptBlob === undefined) return false;
    const facts = file.uncompressed;
    if (isLayer(blob)) {
      if (facts === undefined) return false;
      if (this.#diffIds.size > 0 && !this.#diffIds.has(facts.digest)) {
        throw new DigestMismatchError(
          `layer ${blob.digest} of ${this.reference} (uncompressed)`,
          "a diff ID of the image config",
          facts.digest,
          facts.size,
        );
      }
    }
    await this.#leaseOf(blob.digest);
    if (!(await this.#store.adoptBlob(blob.digest, file))) return false;
    if (isLayer(blob)) {
      this.#facts.set(blob.digest, { diffId: facts!.digest, size: facts!.size });
      this.#compressions.set(blob.digest, facts!.compression);
    } else if (isConfig(blob)) {
      await this.#noteConfig(blob.digest);
    }
    return true;
  }

  /**
   * Told that the image about to be put was chosen from the manifest list `list`: the
   * list is stored too and its digest recorded with the image (as containers/image's
   * storage destination records the top-level manifest).
   */
  async putSourceList(list: ManifestBytes): Promise<void> {
    await this.#leaseOf(list.digest);
    await this.#store.putBlob(list.digest, list.bytes.length, streamOf(list.bytes));
    this.#sourceList = list;
  }

  /**
   * Stores a manifest blob; the top-level one (no `instanceDigest`) is committed. A
   * top-level image manifest whose layer media types claim another compression than the
   * stored bytes have is stored with the true media types instead.
   */
  async putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    if (instanceDigest === undefined) {
      this.#topGiven = manifest.digest;
      manifest = await this.#truthful(manifest);
    }
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
    // Layers this destination did not write (uploaded over `/v2/`, or stored by an earlier
    // version) are read now, not while the store is locked.
    for (const manifest of parsed.kind === "index" ? this.#instances.values() : [top]) {
      await this.#learnLayers(manifest);
    }
    this.#committed = await this.#store.withLock(async () => {
      if (parsed.kind !== "index") {
        return await this.#commitImage(top, names, [...this.reference.extraDigests], true);
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
        ...this.#verificationOf(top),
      });
    });
  }

  /** Records `verification` with the image whose manifest was put as `manifestDigest`. */
  recordVerification(manifestDigest: string, verification: SourceVerification): void {
    this.#verifications.set(manifestDigest, verification);
  }

  /** The verification recorded for `manifest` (the top one is known by its given digest). */
  #verificationOf(manifest: ManifestBytes): { verification?: SourceVerification } {
    const given = manifest === this.#top ? this.#topGiven! : manifest.digest;
    const verification = this.#verifications.get(given);
    return verification === undefined ? {} : { verification };
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
    top = false,
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
    // A concurrent gc() may have removed a blob we wrote before we took the lock. The
    // checks run together: one at a time, 20 layers kept the lock ~5 ms longer.
    const present = await Promise.all(layers.map((layer) => this.#store.hasBlob(layer.digest)));
    const vanished = layers.find((_, i) => !present[i]);
    if (vanished !== undefined) {
      throw new CorruptedError(what, `layer ${vanished.digest} vanished before commit; retry`);
    }
    const diffIds = configDiffIds(config);
    if (diffIds.length !== layers.length) {
      throw new InvalidManifestError(
        what,
        `${layers.length} layers but ${diffIds.length} diff IDs in the config`,
      );
    }
    const diffSizes: number[] = [];
    for (const [i, layer] of layers.entries()) {
      const facts = await this.#factsOf(layer);
      if (facts.diffId !== diffIds[i]) {
        throw new DigestMismatchError(
          `layer ${layer.digest} of ${what} (uncompressed)`,
          diffIds[i],
          facts.diffId,
          facts.size,
        );
      }
      diffSizes.push(facts.size);
    }
    const list = top ? this.#sourceList : undefined;
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
      diffIds: [...diffIds],
      diffSizes,
      // The list an instance was chosen from is kept with it, and counts as podman's does.
      ...(list === undefined ? {} : { listDigest: list.digest }),
      size: configBytes.length + diffSizes.reduce((sum, size) => sum + size, 0) +
        (list?.bytes.length ?? 0),
      created: config.created ?? "",
      platform,
      ...this.#verificationOf(manifest),
    });
  }

  /** Adds the diff IDs of stored config `digest` to those a layer may have. */
  async #noteConfig(digest: string): Promise<void> {
    try {
      const bytes = await this.#store.readBlobBytes(digest);
      for (const diffId of configDiffIds(parseImageConfig(bytes, { what: digest }).config)) {
        this.#diffIds.add(diffId);
      }
    } catch {
      // Not an image config this store can read: the commit reports what is wrong.
    }
  }

  /** Learns the facts of the layers of an image manifest; what fails is reported by commit. */
  async #learnLayers(manifest: ManifestBytes): Promise<void> {
    try {
      const parsed = parseImageManifest(manifest.bytes, { contentType: manifest.mediaType });
      for (const layer of parsed.manifest.layers) await this.#factsOf(layer);
    } catch {
      // A missing or unreadable layer fails the commit with its own error.
    }
  }

  /** The diff ID and uncompressed size of a stored layer: learned, recorded, or read once. */
  async #factsOf(layer: Descriptor): Promise<Omit<LayerFacts, "compression">> {
    let facts = this.#facts.get(layer.digest) ?? (await this.#knownLayers()).get(layer.digest);
    if (facts === undefined) {
      const probed = await probeStoredLayer(this.#store, layer.digest);
      facts = { diffId: probed.diffId, size: probed.size };
      this.#facts.set(layer.digest, facts);
    }
    return facts;
  }

  /** The layers the store's records know the diff ID and uncompressed size of. */
  #knownLayers(): Promise<Map<string, Omit<LayerFacts, "compression">>> {
    this.#known ??= this.#store.images().then((records) => {
      const known = new Map<string, Omit<LayerFacts, "compression">>();
      for (const record of records) {
        if (record.diffSizes === undefined) continue;
        for (const manifest of imageManifests(record)) {
          manifest.layers.forEach((digest, i) => {
            if (i < record.diffIds.length) {
              known.set(digest, { diffId: record.diffIds[i], size: record.diffSizes![i] });
            }
          });
        }
      }
      return known;
    });
    return this.#known;
  }

  /** `manifest` with the layer media types its stored layers' bytes call for. */
  #truthful(manifest: ManifestBytes): Promise<ManifestBytes> {
    return truthfulManifest(
      manifest,
      `${this.reference}@${manifest.digest}`,
      async (digest) =>
        this.#compressions.get(digest) ??
          await sniffStoredBlob(this.#store, digest).catch(() => undefined),
    );
  }
}

function isLayer(blob: BlobInfo): boolean {
  return blob.mediaType !== undefined && layerCompression(blob.mediaType) !== undefined &&
    !isNondistributableLayerType(blob.mediaType);
}

function isConfig(blob: BlobInfo): boolean {
  return blob.mediaType !== undefined && isConfigType(blob.mediaType);
}
