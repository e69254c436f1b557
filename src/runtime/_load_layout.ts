/**
 * Every entry of an OCI layout as its own source reference (entries without a ref name
 * included).
 *
 * @module
 */
import { UnsupportedTransportError } from "../errors.ts";
import type { FileSystem } from "../fs/mod.ts";
import { listOciLayoutImages, OciLayoutSource, ociTransport } from "../transports/oci/mod.ts";
import type {
  BlobFile,
  BlobInfo,
  ImageDestination,
  ImageReference,
  ImageSource,
  Transport,
  TransportContext,
} from "../transports/types.ts";
import type { Descriptor } from "../types/mod.ts";

/** One entry of a layout's `index.json`, readable as a source. */
export interface LayoutEntry {
  /** Reads the entry. */
  reference: ImageReference;
  /** `org.opencontainers.image.ref.name`, if set. */
  refName: string | undefined;
  /** `io.containerd.image.name` (buildkit), if set. */
  containerdName: string | undefined;
}

/** Hands out the file of a blob (see `ImageSource.blobFile`). */
export type BlobFiles = (blob: BlobInfo) => Promise<BlobFile | undefined>;

/** A read-only reference to the entry `position` of the layout at `dir`. */
class LayoutEntryReference implements ImageReference {
  readonly transport: Transport = ociTransport;
  readonly dockerReference: undefined = undefined;
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #descriptor: Descriptor;
  readonly #what: string;
  readonly #files: BlobFiles | undefined;

  constructor(
    fs: FileSystem,
    dir: string,
    descriptor: Descriptor,
    what: string,
    files: BlobFiles | undefined,
  ) {
    this.#fs = fs;
    this.#dir = dir;
    this.#descriptor = descriptor;
    this.#what = what;
    this.#files = files;
  }

  get withinTransport(): string {
    return this.#dir;
  }

  toString(): string {
    return this.#what;
  }

  newSource(_context: TransportContext): Promise<ImageSource> {
    const source = new OciLayoutSource(this, this.#fs, this.#dir, this.#descriptor);
    const files = this.#files;
    if (files === undefined) return Promise.resolve(source);
    return Promise.resolve({
      reference: this,
      getManifest: (instanceDigest) => source.getManifest(instanceDigest),
      getBlob: (blob) => source.getBlob(blob),
      close: () => source.close(),
      blobFile: files,
    });
  }

  newDestination(_context: TransportContext): Promise<ImageDestination> {
    return Promise.reject(new UnsupportedTransportError(this.#what, "a loaded entry is read-only"));
  }
}

/**
 * The entries of the OCI layout at `dir`; `what` names it in errors. With `files`, their
 * sources hand blobs over as files (a load's own extracted archive, never a user's folder).
 */
export async function layoutEntries(
  fs: FileSystem,
  dir: string,
  what = `oci:${dir}`,
  files?: BlobFiles,
): Promise<LayoutEntry[]> {
  const images = await listOciLayoutImages(fs, dir);
  return images.map((image) => ({
    reference: new LayoutEntryReference(
      fs,
      dir,
      { mediaType: image.mediaType, digest: image.digest, size: -1 },
      `${what}@${image.index}`,
      files,
    ),
    refName: image.refName,
    containerdName: image.containerdName,
  }));
}
