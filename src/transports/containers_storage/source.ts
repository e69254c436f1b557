/**
 * Reading an image (or manifest list) out of the local store.
 *
 * @module
 */
import { BlobUnknownError, ImageNotFoundError, ManifestUnknownError } from "../../errors.ts";
import { parseNormalizedName } from "../../reference/mod.ts";
import { manifestByDigest, manifestOfName } from "../../store/image_manifests.ts";
import { sniffStoredBlob } from "../../store/layer_probe.ts";
import { truthfulManifest } from "./_truthful_manifest.ts";
import type { ImageRecord, ImageStore, StoredImageManifest } from "../../store/types.ts";
import type { BlobInfo, ImageSource, ManifestBytes } from "../types.ts";
import { manifestMediaType } from "../_manifest_type.ts";
import type { ContainersStorageReference } from "./reference.ts";

/**
 * Finds the record a reference names: by ID; by exact name; for `name@digest`, an image
 * with that digest, preferring one named in the same repository.
 */
export async function resolveStorageRecord(
  store: ImageStore,
  reference: ContainersStorageReference,
): Promise<ImageRecord | undefined> {
  if (reference.id !== undefined) return await store.imageById(reference.id);
  const name = reference.name!;
  const exact = await store.imageByName(name);
  if (exact !== undefined) return exact;
  const ref = parseNormalizedName(name);
  if (ref.digest === undefined) return undefined;
  const candidates = await store.imagesByDigest(ref.digest);
  const repo = ref.name;
  return candidates.find((record) =>
    record.names.some((n) => n.startsWith(`${repo}:`) || n.startsWith(`${repo}@`))
  ) ?? candidates[0];
}

/**
 * The manifest of `record` that `reference` resolves to: the one a name was written with,
 * the one a `name@digest` names (when the image has it), else the image's current one.
 */
export function storageManifest(
  record: ImageRecord,
  reference: ContainersStorageReference,
): StoredImageManifest {
  const name = reference.name;
  if (name === undefined) return manifestOfName(record, "");
  if (record.names.includes(name)) return manifestOfName(record, name);
  const digest = parseNormalizedName(name).digest;
  return (digest === undefined ? undefined : manifestByDigest(record, digest)) ??
    manifestOfName(record, "");
}

/** Opens the image `reference` names; a missing image throws `ImageNotFoundError`. */
export async function openContainersStorageSource(
  reference: ContainersStorageReference,
): Promise<ContainersStorageSource> {
  const record = await resolveStorageRecord(reference.store, reference);
  if (record === undefined) throw new ImageNotFoundError(reference.toString());
  return new ContainersStorageSource(reference, record);
}

/** An {@linkcode ImageSource} over one record of the local store. */
export class ContainersStorageSource implements ImageSource {
  /** Where the image is read from. */
  readonly reference: ContainersStorageReference;
  /** The record being read. */
  readonly record: ImageRecord;
  readonly #store: ImageStore;
  readonly #manifest: StoredImageManifest;

  /** Reads `record` from the reference's store. */
  constructor(reference: ContainersStorageReference, record: ImageRecord) {
    this.reference = reference;
    this.record = record;
    this.#store = reference.store;
    this.#manifest = storageManifest(record, reference);
  }

  /**
   * The manifest the reference resolves to (see {@linkcode storageManifest}), or the
   * stored instance `instanceDigest` of a list.
   */
  async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
    const digest = instanceDigest ?? this.#manifest.digest;
    const what = `${this.reference}@${digest}`;
    let bytes: Uint8Array;
    try {
      bytes = await this.#store.readBlobBytes(digest);
    } catch (error) {
      if (error instanceof BlobUnknownError) throw new ManifestUnknownError(what, { cause: error });
      throw error;
    }
    if (instanceDigest !== undefined) {
      return { bytes, mediaType: manifestMediaType(bytes, what), digest };
    }
    const manifest = { bytes, mediaType: this.#manifest.mediaType, digest };
    // An image stored by an earlier version (no uncompressed sizes yet) may list plain
    // layers as compressed: it is read with the media types its layers' bytes call for.
    if (this.record.isManifestList || this.record.diffSizes !== undefined) return manifest;
    const store = this.#store;
    return await truthfulManifest(
      manifest,
      what,
      (layer) => sniffStoredBlob(store, layer).catch(() => undefined),
    );
  }

  /** The uncompressed size the record holds for the layer with diff ID `diffId`. */
  uncompressedSize(diffId: string): Promise<number | undefined> {
    const i = this.record.diffIds.indexOf(diffId);
    return Promise.resolve(i < 0 ? undefined : this.record.diffSizes?.[i]);
  }

  /** Streams a stored blob. */
  getBlob(blob: BlobInfo): Promise<ReadableStream<Uint8Array>> {
    return this.#store.readBlob(blob.digest);
  }

  /** Nothing to release. */
  close(): Promise<void> {
    return Promise.resolve();
  }
}
