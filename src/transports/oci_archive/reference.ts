/**
 * `oci-archive:PATH[:REF]` references: a tar file holding an OCI image layout.
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
 *
 * @module
 */
import type { ImageDestination, ImageSource, Transport, TransportContext } from "../types.ts";
import { normalizeName } from "../../reference/mod.ts";
import { LayoutEntryReference, splitPathAndRef } from "../oci/reference.ts";

/** An `oci-archive:` reference. */
export class OciArchiveReference extends LayoutEntryReference {
  /**
   * The stream a destination writes the archive into instead of the file `path` (see
   * {@linkcode ociArchiveOutputReference}); such a reference cannot be read.
   */
  readonly output: WritableStream<Uint8Array> | undefined;

  /** Builds a reference to entry `refName` of the archive at `path` (or into `output`). */
  constructor(
    transport: Transport,
    path: string,
    refName: string | undefined,
    output?: WritableStream<Uint8Array>,
  ) {
    super(transport, path, refName);
    this.output = output;
  }

  /**
   * The name of the selected entry inside the archive (containerd's image name, else its
   * ref name), normalized; none when the archive names it not.
   */
  async storageNames(context: TransportContext): Promise<string[]> {
    const { listOciArchiveImages } = await import("./list.ts");
    const entries = await listOciArchiveImages(context.fs, this.path);
    const entry = this.refName === undefined
      ? (entries.length === 1 ? entries[0] : undefined)
      : entries.find((candidate) => candidate.refName === this.refName);
    const name = entry?.containerdName ?? entry?.refName;
    return name ? [normalizeName(name).toString()] : [];
  }

  /** Extracts the archive to a temporary folder and opens the entry. */
  async newSource(context: TransportContext): Promise<ImageSource> {
    if (this.output !== undefined) {
      throw new TypeError(`Cannot read ${this}: it writes into a stream`);
    }
    const { openOciArchiveSource } = await import("./source.ts");
    return await openOciArchiveSource(this, context);
  }

  /**
   * Opens a destination that streams the layout into the archive (renamed into place on
   * commit), or into the output stream.
   */
  async newDestination(context: TransportContext): Promise<ImageDestination> {
    const { openOciArchiveDestination } = await import("./destination.ts");
    return await openOciArchiveDestination(this, context);
  }
}

/**
 * A reference whose destination writes an OCI archive holding one image, named `refName`
 * in its `index.json` when given, into `output` as the archive is written (aborted when
 * the copy fails).
 */
export function ociArchiveOutputReference(
  output: WritableStream<Uint8Array>,
  refName?: string,
): OciArchiveReference {
  return new OciArchiveReference(ociArchiveTransport, "-", refName, output);
}

/** The `oci-archive` transport. */
export const ociArchiveTransport: Transport = {
  name: "oci-archive",
  parse(withinTransport: string): OciArchiveReference {
    const { path, refName } = splitPathAndRef("oci-archive", withinTransport);
    return new OciArchiveReference(ociArchiveTransport, path, refName);
  },
  listArchiveImages: async (payload, options) =>
    (await import("./payload.ts")).listArchiveImages(payload, options),
};
