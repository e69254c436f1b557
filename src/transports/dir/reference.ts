/**
 * `dir:PATH` references: skopeo's directory format (`manifest.json`, `version`, blobs
 * named by hex digest, instance manifests `<hex>.manifest.json`).
 *
 * @module
 */
import { InvalidReferenceError } from "../../errors.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  Transport,
  TransportContext,
} from "../types.ts";
import { DirSource } from "./source.ts";
import { openDirDestination } from "./destination.ts";

/** Options of a `dir:` reference. */
export interface DirReferenceOptions {
  /** Compress layers written to this folder (`--dest-compress`). @default false */
  forceCompress?: boolean;
}

/** A `dir:` reference. */
export class DirReference implements ImageReference {
  /** The transport, `dir`. */
  readonly transport: Transport;
  /** The folder. */
  readonly path: string;
  /** Whether a destination asks for compressed layers. */
  readonly forceCompress: boolean;

  /** Builds a reference to the folder `path`. */
  constructor(transport: Transport, path: string, options: DirReferenceOptions = {}) {
    if (path === "") throw new InvalidReferenceError("dir:", "InvalidFormat", "the path is empty");
    this.transport = transport;
    this.path = path;
    this.forceCompress = options.forceCompress ?? false;
  }

  /** The folder path. */
  get withinTransport(): string {
    return this.path;
  }

  /** A folder carries no image name. */
  get dockerReference(): undefined {
    return undefined;
  }

  /** `dir:PATH`. */
  toString(): string {
    return `${this.transport.name}:${this.path}`;
  }

  /** Opens the folder for reading. */
  newSource(context: TransportContext): Promise<ImageSource> {
    return Promise.resolve(new DirSource(this, context.fs, this.path));
  }

  /** Opens the folder for writing (emptying a previous `dir:` image in it). */
  newDestination(context: TransportContext): Promise<ImageDestination> {
    return openDirDestination(this, context);
  }
}
