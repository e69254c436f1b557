/**
 * What a load reads from an OCI layout: every entry of its `index.json` as its own
 * read-only reference (entries without a ref name included), named by its ref name (or
 * buildkit's `io.containerd.image.name`).
 *
 * @module
 */
import { UnsupportedTransportError } from "../../errors.ts";
import type { FileSystem } from "../../fs/mod.ts";
import { normalizeName } from "../../reference/mod.ts";
import type { Descriptor } from "../../types/mod.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  ListedImage,
  ListPayloadOptions,
  Transport,
  TransportContext,
} from "../types.ts";
import { listOciLayoutImages } from "./list.ts";
import { type BlobFiles, OciLayoutSource } from "./source.ts";

export type { BlobFiles } from "./source.ts";

/** A read-only reference to one entry of the layout at `dir`. */
class IndexEntryReference implements ImageReference {
  readonly transport: Transport;
  readonly dockerReference: undefined = undefined;
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #descriptor: Descriptor;
  readonly #what: string;
  readonly #files: BlobFiles | undefined;

  constructor(
    transport: Transport,
    fs: FileSystem,
    dir: string,
    descriptor: Descriptor,
    what: string,
    files: BlobFiles | undefined,
  ) {
    this.transport = transport;
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
    return Promise.resolve(
      new OciLayoutSource(this, this.#fs, this.#dir, this.#descriptor, undefined, this.#files),
    );
  }

  newDestination(_context: TransportContext): Promise<ImageDestination> {
    return Promise.reject(new UnsupportedTransportError(this.#what, "a loaded entry is read-only"));
  }
}

/**
 * The entries of the OCI layout at `dir` as images named by their ref name (or buildkit's
 * `io.containerd.image.name`), read as `transport`; `what` names the layout in errors.
 * With `files`, their sources hand blobs over as files (a load's own extracted archive,
 * never a user's folder).
 */
export async function listLayoutEntries(
  transport: Transport,
  fs: FileSystem,
  dir: string,
  what = `oci:${dir}`,
  files?: BlobFiles,
): Promise<ListedImage[]> {
  const images = await listOciLayoutImages(fs, dir);
  return images.map((image) => {
    const name = image.containerdName ?? image.refName;
    return {
      reference: new IndexEntryReference(
        transport,
        fs,
        dir,
        { mediaType: image.mediaType, digest: image.digest, size: -1 },
        `${what}@${image.index}`,
        files,
      ),
      names: name === undefined ? [] : [normalizeName(name).toString()],
    };
  });
}

/** The images of the OCI layout folder at `path` (see `Transport.listFolderImages`). */
export function listFolderImages(
  transport: Transport,
  path: string,
  options: ListPayloadOptions,
): Promise<ListedImage[]> {
  return listLayoutEntries(transport, options.context.fs, path);
}
