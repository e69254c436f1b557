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

/** A read-only reference to the entry `position` of the layout at `dir`. */
class LayoutEntryReference implements ImageReference {
  readonly transport: Transport = ociTransport;
  readonly dockerReference: undefined = undefined;
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #descriptor: Descriptor;
  readonly #what: string;

  constructor(fs: FileSystem, dir: string, descriptor: Descriptor, what: string) {
    this.#fs = fs;
    this.#dir = dir;
    this.#descriptor = descriptor;
    this.#what = what;
  }

  get withinTransport(): string {
    return this.#dir;
  }

  toString(): string {
    return this.#what;
  }

  newSource(_context: TransportContext): Promise<ImageSource> {
    return Promise.resolve(new OciLayoutSource(this, this.#fs, this.#dir, this.#descriptor));
  }

  newDestination(_context: TransportContext): Promise<ImageDestination> {
    return Promise.reject(new UnsupportedTransportError(this.#what, "a loaded entry is read-only"));
  }
}

/** The entries of the OCI layout at `dir`; `what` names it in errors. */
export async function layoutEntries(
  fs: FileSystem,
  dir: string,
  what = `oci:${dir}`,
): Promise<LayoutEntry[]> {
  const images = await listOciLayoutImages(fs, dir);
  return images.map((image) => ({
    reference: new LayoutEntryReference(
      fs,
      dir,
      { mediaType: image.mediaType, digest: image.digest, size: -1 },
      `${what}@${image.index}`,
    ),
    refName: image.refName,
    containerdName: image.containerdName,
  }));
}
