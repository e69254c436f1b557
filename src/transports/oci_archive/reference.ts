/**
 * `oci-archive:PATH[:REF]` references: a tar file holding an OCI image layout.
 *
 * @module
 */
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  Transport,
  TransportContext,
} from "../types.ts";
import { dockerNameOf } from "../oci/mod.ts";
import { openOciArchiveSource } from "./source.ts";
import { openOciArchiveDestination } from "./destination.ts";

/** An `oci-archive:` reference. */
export class OciArchiveReference implements ImageReference {
  /** The transport, `oci-archive`. */
  readonly transport: Transport;
  /** The archive file. */
  readonly path: string;
  /** The ref name inside the archive, if one was given. */
  readonly refName: string | undefined;

  /** Builds a reference to the archive at `path`, entry `refName`. */
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

  /** `oci-archive:PATH[:REF]`. */
  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  /** Extracts the archive to a temporary folder and opens the entry. */
  newSource(context: TransportContext): Promise<ImageSource> {
    return openOciArchiveSource(this, context);
  }

  /** Stages a layout; the archive is written atomically on commit. */
  newDestination(context: TransportContext): Promise<ImageDestination> {
    return openOciArchiveDestination(this, context);
  }
}
