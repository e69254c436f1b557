/**
 * `oci:PATH[:REF]` references: an OCI image layout folder and an optional ref name
 * (the `org.opencontainers.image.ref.name` annotation of an `index.json` entry).
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
 *
 * @module
 */
import { InvalidReferenceError } from "../../errors.ts";
import { parseNormalizedName } from "../../reference/mod.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  Transport,
  TransportContext,
} from "../types.ts";

const REF_COMPONENT = "[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*";
const REF_NAME = new RegExp(`^${REF_COMPONENT}(?:/${REF_COMPONENT})*$`);

/** Tells whether `name` follows the OCI grammar for `org.opencontainers.image.ref.name`. */
export function isValidOciRefName(name: string): boolean {
  return REF_NAME.test(name);
}

/**
 * Splits `PATH[:REF]` at the first colon, as containers/image does on POSIX (so a path
 * cannot contain a colon), and checks both parts.
 */
export function splitPathAndRef(
  transportName: string,
  withinTransport: string,
): { path: string; refName: string | undefined } {
  const colon = withinTransport.indexOf(":");
  const path = colon < 0 ? withinTransport : withinTransport.slice(0, colon);
  const refName = colon < 0 ? undefined : withinTransport.slice(colon + 1);
  const input = `${transportName}:${withinTransport}`;
  if (path === "") throw new InvalidReferenceError(input, "InvalidFormat", "the path is empty");
  if (refName !== undefined && refName !== "" && !isValidOciRefName(refName)) {
    throw new InvalidReferenceError(input, "InvalidFormat", `invalid image name "${refName}"`);
  }
  return { path, refName: refName || undefined };
}

/** The full Docker-style name a ref name stands for, if it is a valid image name. */
export function dockerNameOf(refName: string | undefined): string | undefined {
  if (refName === undefined) return undefined;
  try {
    const ref = parseNormalizedName(refName);
    return ref.digest === undefined ? ref.tagNameOnly().toString() : ref.toString();
  } catch {
    return undefined;
  }
}

/**
 * A `PATH[:REF]` reference to an OCI layout entry; the `oci:` and `oci-archive:`
 * references share everything but how they open.
 */
export abstract class LayoutEntryReference implements ImageReference {
  /** The transport. */
  readonly transport: Transport;
  /** The layout folder or archive file. */
  readonly path: string;
  /** The ref name inside the layout, if one was given. */
  readonly refName: string | undefined;

  /** Builds a reference to the layout at `path`, entry `refName`. */
  constructor(transport: Transport, path: string, refName: string | undefined) {
    this.transport = transport;
    this.path = path;
    this.refName = refName;
  }

  /** `PATH[:REF]`. */
  get withinTransport(): string {
    return this.refName === undefined ? this.path : `${this.path}:${this.refName}`;
  }

  /** The ref name as a full image name, when it is one. */
  get dockerReference(): string | undefined {
    return dockerNameOf(this.refName);
  }

  /** `transport:PATH[:REF]`. */
  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  /** Opens the entry for reading. */
  abstract newSource(context: TransportContext): Promise<ImageSource>;
  /** Opens the location for writing. */
  abstract newDestination(context: TransportContext): Promise<ImageDestination>;
}

/** An `oci:` reference. */
export class OciReference extends LayoutEntryReference {
  /** The ref name as a full, tagged image name; none (store by ID) without a ref name. */
  storageNames(): Promise<string[]> {
    const refName = this.refName;
    return Promise.resolve(refName ? [parseNormalizedName(refName).tagNameOnly().toString()] : []);
  }

  /** Opens the layout entry for reading. */
  async newSource(context: TransportContext): Promise<ImageSource> {
    const { openOciLayoutSource } = await import("./source.ts");
    return await openOciLayoutSource(this, context.fs, this.path, this.refName);
  }

  /** Opens the layout for writing (the entry is added to `index.json` on commit). */
  async newDestination(context: TransportContext): Promise<ImageDestination> {
    const { OciLayoutDestination } = await import("./destination.ts");
    return new OciLayoutDestination(this, context, this.path, this.refName);
  }
}

/** The `oci` transport. */
export const ociTransport: Transport = {
  name: "oci",
  parse(withinTransport: string): OciReference {
    const { path, refName } = splitPathAndRef("oci", withinTransport);
    return new OciReference(ociTransport, path, refName);
  },
  listFolderImages: async (path, options) =>
    (await import("./payload.ts")).listFolderImages(ociTransport, path, options),
};
