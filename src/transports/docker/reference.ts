/**
 * `docker://NAME` references: an image in a registry, by tag or digest. The name is
 * normalized (`docker://fedora` is `docker.io/library/fedora:latest`) without short-name
 * resolution, and `:latest` is added when neither tag nor digest is given.
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
 *
 * @module
 */
import { InvalidReferenceError } from "../../errors.ts";
import { parseNormalizedName, type Reference } from "../../reference/mod.ts";
import type { RegistryClient } from "../../registry/mod.ts";
import type { ImageReference, Transport, TransportContext } from "../types.ts";
import type { DockerImageDestination } from "./destination.ts";
import {
  type DockerTransportOptions,
  type ResolvedDockerOptions,
  resolveDockerOptions,
} from "./options.ts";
import type { DockerImageSource } from "./source.ts";

/**
 * Parses the part of `docker://NAME` after `docker:` (so `//NAME`) into a normalized
 * name with a tag or a digest.
 *
 * @throws {InvalidReferenceError} when `//` is missing, the name is invalid, or it has both
 * a tag and a digest.
 */
export function parseDockerName(withinTransport: string): Reference {
  const input = `docker:${withinTransport}`;
  if (!withinTransport.startsWith("//")) {
    throw new InvalidReferenceError(input, "InvalidFormat", 'the name must start with "//"');
  }
  let name: Reference;
  try {
    name = parseNormalizedName(withinTransport.slice(2));
  } catch (error) {
    if (error instanceof InvalidReferenceError) {
      throw new InvalidReferenceError(input, error.reason, error.message, { cause: error });
    }
    throw error;
  }
  if (name.tag !== undefined && name.digest !== undefined) {
    throw new InvalidReferenceError(
      input,
      "InvalidFormat",
      "references with both a tag and a digest are not supported",
    );
  }
  return name.tagNameOnly();
}

/** A `docker://` reference. */
export class DockerImageReference implements ImageReference {
  /** The transport, `docker`. */
  readonly transport: Transport;
  /** The normalized name, with a tag or a digest. */
  readonly name: Reference;
  readonly #options: ResolvedDockerOptions;

  /** Builds a reference to `name` for `transport`, configured by `options`. */
  constructor(transport: Transport, name: Reference, options: ResolvedDockerOptions) {
    this.transport = transport;
    this.name = name;
    this.#options = options;
  }

  /** `//domain/path:tag` or `//domain/path@digest`. */
  get withinTransport(): string {
    return `//${this.name.toString()}`;
  }

  /** The full name, e.g. `docker.io/library/fedora:latest`. */
  get dockerReference(): string {
    return this.name.toString();
  }

  /** The image's name in its registry: pulls apply registries.conf and the pull policy. */
  get registryName(): string {
    return this.name.toString();
  }

  /** The registry host, `host[:port]`. */
  get registry(): string {
    return this.name.domain;
  }

  /** The repository path inside the registry, e.g. `library/fedora`. */
  get repository(): string {
    return this.name.path;
  }

  /** The tag or digest the reference points at (the digest when it has one). */
  get tagOrDigest(): string {
    return this.name.digest ?? this.name.tag!;
  }

  /** `docker://domain/path:tag`. */
  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  /** A registry client for this reference's registry, configured from `context`. */
  async client(context: TransportContext): Promise<RegistryClient> {
    const { RegistryClient } = await import("../../registry/mod.ts");
    const { certsDirTls } = await import("../../config/certs_dir.ts");
    const tls = this.#options.client?.tls ?? certsDirTls(context.fs, context);
    return new RegistryClient({
      ...this.#options.client,
      registry: this.registry,
      fetch: context.fetch,
      tlsVerify: context.tlsVerify,
      ...(tls ? { tls } : {}),
      signal: context.signal,
      credentials: this.#options.credentials,
    });
  }

  /** Opens the image in the registry for reading. */
  async newSource(context: TransportContext): Promise<DockerImageSource> {
    const { DockerImageSource } = await import("./source.ts");
    return new DockerImageSource(this, await this.client(context), this.#options);
  }

  /** Opens the repository for pushing an image. */
  async newDestination(context: TransportContext): Promise<DockerImageDestination> {
    const options = context.uploadChunkSize === undefined
      ? this.#options
      : { ...this.#options, uploadChunkSize: context.uploadChunkSize };
    const { DockerImageDestination } = await import("./destination.ts");
    return new DockerImageDestination(this, await this.client(context), options);
  }
}

/** A `docker` transport; its references open registry clients configured by `options`. */
export interface DockerTransport extends Transport {
  /** Parses `//NAME` into a reference. */
  parse(withinTransport: string): DockerImageReference;
}

/**
 * Builds a `docker` transport with credentials, mount sources and registry client
 * options; the default {@linkcode dockerTransport} is anonymous.
 *
 * @example
 * ```ts
 * import { createDockerTransport } from "./reference.ts";
 * const transport = createDockerTransport({
 *   credentials: { username: "me", password: "secret" },
 *   mountFrom: ["team/base"],
 * });
 * console.log(transport.parse("//localhost:5000/team/app").repository); // "team/app"
 * ```
 */
export function createDockerTransport(options: DockerTransportOptions = {}): DockerTransport {
  const resolved = resolveDockerOptions(options);
  const transport: DockerTransport = {
    name: "docker",
    parse(withinTransport: string): DockerImageReference {
      return new DockerImageReference(transport, parseDockerName(withinTransport), resolved);
    },
  };
  return transport;
}

/** The default, anonymous `docker` transport (the one in the prefix table). */
export const dockerTransport: DockerTransport = createDockerTransport();
