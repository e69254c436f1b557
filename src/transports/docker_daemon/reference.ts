/**
 * `docker-daemon:REF` references: an image in a Docker Engine, by `name:tag`,
 * `name@digest` or (for reading only) image ID `sha256:<64 hex>`. A bare name is refused:
 * the reference must say which tag.
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
 *
 * @module
 */
import { InvalidReferenceError } from "../../errors.ts";
import { parseNormalizedName, type Reference } from "../../reference/mod.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  LayerCompressionName,
  Transport,
  TransportContext,
} from "../types.ts";

/** What a `docker-daemon:` reference points at: a name with a tag or digest, or an ID. */
export type DockerDaemonTarget = { name: Reference; id?: undefined } | {
  id: string;
  name?: undefined;
};

/**
 * Parses the part after `docker-daemon:`.
 *
 * @throws {InvalidReferenceError} for an invalid name, a name with neither tag nor digest
 * (or both), an ID that is not sha256, or the reserved repository name `sha256`.
 */
export function parseDockerDaemonTarget(withinTransport: string): DockerDaemonTarget {
  const input = `docker-daemon:${withinTransport}`;
  const fail = (reason: "InvalidFormat" | "DigestUnsupported", detail: string) =>
    new InvalidReferenceError(input, reason, detail);
  if (withinTransport === "") throw fail("InvalidFormat", "the reference is empty");
  if (/^sha256:[a-f0-9]{64}$/.test(withinTransport)) return { id: withinTransport };
  const digest = /^(sha384|sha512):[a-f0-9]+$/.exec(withinTransport);
  if (digest !== null) {
    throw fail("DigestUnsupported", `image IDs must be sha256 digests, not ${digest[1]}`);
  }
  let name: Reference;
  try {
    name = parseNormalizedName(withinTransport);
  } catch (error) {
    if (error instanceof InvalidReferenceError) {
      throw new InvalidReferenceError(input, error.reason, error.message, { cause: error });
    }
    throw error;
  }
  if (name.familiarName() === "sha256") {
    throw fail(
      "InvalidFormat",
      'the repository name "sha256" is reserved for (full) image ID references',
    );
  }
  if (name.tag === undefined && name.digest === undefined) {
    throw fail("InvalidFormat", "the reference lacks a tag (use name:tag or name@digest)");
  }
  if (name.tag !== undefined && name.digest !== undefined) {
    throw fail("InvalidFormat", "references with both a tag and a digest are not supported");
  }
  return { name };
}

/** A `docker-daemon:` reference. */
export class DockerDaemonReference implements ImageReference {
  /** The transport, `docker-daemon`. */
  readonly transport: Transport;
  /** The normalized name with its tag or digest, unless this is an image-ID reference. */
  readonly name: Reference | undefined;
  /** The image ID `sha256:<hex>`, for an image-ID reference. */
  readonly id: string | undefined;
  /** The Docker Engine loads gzip (or uncompressed) layers only. */
  readonly layerCompressions: readonly LayerCompressionName[] = ["gzip"];

  /** Builds a reference to `target` for `transport`. */
  constructor(transport: Transport, target: DockerDaemonTarget) {
    this.transport = transport;
    this.name = target.name;
    this.id = target.id;
  }

  /** The familiar name (`alpine:latest`, `quay.io/x/y@sha256:...`) or the image ID. */
  get withinTransport(): string {
    return this.id ?? this.name!.familiarString();
  }

  /** The docker.io-normalized name, e.g. `docker.io/library/alpine:latest`; none for IDs. */
  get dockerReference(): string | undefined {
    return this.name?.toString();
  }

  /** `docker-daemon:withinTransport`. */
  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  /** Exports the image from the engine for reading. */
  async newSource(context: TransportContext): Promise<ImageSource> {
    const { openDockerDaemonSource } = await import("./source.ts");
    return await openDockerDaemonSource(this, context);
  }

  /**
   * Opens a destination that loads the image into the engine on commit.
   *
   * @throws {InvalidReferenceError} unless the reference is `name:tag`.
   */
  async newDestination(context: TransportContext): Promise<ImageDestination> {
    if (this.name?.tag === undefined) {
      throw new InvalidReferenceError(
        this.toString(),
        "InvalidFormat",
        "a docker-daemon destination must be a name:tag",
      );
    }
    const { DockerDaemonDestination } = await import("./destination.ts");
    return new DockerDaemonDestination(this, context);
  }
}

/** The `docker-daemon` transport. */
export const dockerDaemonTransport: Transport = {
  name: "docker-daemon",
  parse(withinTransport: string): DockerDaemonReference {
    return new DockerDaemonReference(
      dockerDaemonTransport,
      parseDockerDaemonTarget(withinTransport),
    );
  },
};
