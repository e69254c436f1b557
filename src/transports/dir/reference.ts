/**
 * `dir:PATH` references: skopeo's directory format (`manifest.json`, `version`, blobs
 * named by hex digest, instance manifests `<hex>.manifest.json`).
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
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

/** Options of a `dir:` reference. */
export interface DirReferenceOptions {
  /** Compress layers written to this folder (`--dest-compress`). @default false */
  forceCompress?: boolean;
  /** Decompress layers written to this folder (`--dest-decompress`). @default false */
  forceDecompress?: boolean;
}

/** A `dir:` reference. */
export class DirReference implements ImageReference {
  /** The transport, `dir`. */
  readonly transport: Transport;
  /** The folder. */
  readonly path: string;
  /** Whether a destination asks for compressed layers. */
  readonly forceCompress: boolean;
  /** Whether a destination asks for uncompressed layers. */
  readonly forceDecompress: boolean;

  /** Builds a reference to the folder `path`. */
  constructor(transport: Transport, path: string, options: DirReferenceOptions = {}) {
    if (path === "") throw new InvalidReferenceError("dir:", "InvalidFormat", "the path is empty");
    this.transport = transport;
    this.path = path;
    this.forceCompress = options.forceCompress ?? false;
    this.forceDecompress = options.forceDecompress ?? false;
    if (this.forceCompress && this.forceDecompress) {
      throw new InvalidReferenceError(
        this.toString(),
        "InvalidFormat",
        "layers cannot be both compressed and decompressed",
      );
    }
  }

  /** This folder as a destination that compresses or decompresses every layer it writes. */
  withLayerCompression(wish: "compress" | "decompress"): DirReference {
    return new DirReference(this.transport, this.path, {
      forceCompress: wish === "compress",
      forceDecompress: wish === "decompress",
    });
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
  async newSource(context: TransportContext): Promise<ImageSource> {
    const { DirSource } = await import("./source.ts");
    return new DirSource(this, context.fs, this.path);
  }

  /** Opens the folder for writing (emptying a previous `dir:` image in it). */
  async newDestination(context: TransportContext): Promise<ImageDestination> {
    const { openDirDestination } = await import("./destination.ts");
    return await openDirDestination(this, context);
  }
}

/** The `dir` transport. */
export const dirTransport: Transport = {
  name: "dir",
  parse(withinTransport: string): DirReference {
    return new DirReference(dirTransport, withinTransport);
  },
  // A folder is read as a `dir:` image as it is; the load then reads and hashes every blob.
  listFolderImages: (path) =>
    Promise.resolve([{ reference: new DirReference(dirTransport, path), names: [] }]),
};

/** Builds a `dir:` reference with options (e.g. `forceCompress` for `--dest-compress`). */
export function parseDirReference(path: string, options: DirReferenceOptions = {}): DirReference {
  return new DirReference(dirTransport, path, options);
}
