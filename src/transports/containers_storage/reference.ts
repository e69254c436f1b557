/**
 * `containers-storage:` references: an image of the local store, named by a full image
 * name (`containers-storage:alpine` is `docker.io/library/alpine:latest`) or by its ID
 * (`containers-storage:@<id>`, `containers-storage:sha256:<id>`).
 *
 * The transport object lives here with its references (parsing and names only); the code
 * that opens an image (source, destination, listing) is imported when a reference opens it.
 *
 * @module
 */
import { InvalidReferenceError } from "../../errors.ts";
import { isValidDomain, parseNormalizedName } from "../../reference/mod.ts";
import type { ImageStore } from "../../store/types.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  Transport,
  TransportContext,
} from "../types.ts";

/** What a `containers-storage:` string names: an image name or an image ID. */
export type StorageTarget = { name: string; id?: undefined } | { id: string; name?: undefined };

const HEX64 = /^[0-9a-f]{64}$/;

/**
 * Whether `text` begins with a registry domain and a slash, as `[::1]:5000/app` does: a
 * bracketed IPv6 registry, not a store specification (`[driver@root]`).
 */
function startsWithDomain(text: string): boolean {
  const slash = text.indexOf("/");
  return slash > 0 && isValidDomain(text.slice(0, slash));
}

/**
 * Parses the part after `containers-storage:`: `@<id>`, `sha256:<id>` or a bare 64-hex ID
 * name an image by ID; anything else must be an image name, normalized Docker-style (a
 * short name gets `docker.io/`, a name without tag or digest gets `:latest`). A leading
 * `[` starts a store specification, which is refused, unless it opens a bracketed IPv6
 * registry (`[::1]:5000/app`).
 */
export function parseStorageTarget(withinTransport: string): StorageTarget {
  const input = `containers-storage:${withinTransport}`;
  if (withinTransport === "") {
    throw new InvalidReferenceError(input, "NameEmpty", "no image name or ID was given");
  }
  if (withinTransport.startsWith("[") && !startsWithDomain(withinTransport)) {
    throw new InvalidReferenceError(
      input,
      "InvalidFormat",
      "store specifications ([driver@root]) are not supported",
    );
  }
  const id = withinTransport.startsWith("@")
    ? withinTransport.slice(1)
    : withinTransport.startsWith("sha256:")
    ? withinTransport.slice("sha256:".length)
    : HEX64.test(withinTransport)
    ? withinTransport
    : undefined;
  if (id !== undefined) {
    if (!HEX64.test(id)) {
      throw new InvalidReferenceError(input, "InvalidFormat", "an image ID has 64 hex digits");
    }
    return { id };
  }
  const ref = parseNormalizedName(withinTransport);
  return { name: ref.digest === undefined ? ref.tagNameOnly().toString() : ref.toString() };
}

/** Options of a `containers-storage:` reference. */
export interface ContainersStorageReferenceOptions {
  /**
   * Digests to add to the image committed through this reference, e.g. the digest of the
   * manifest list a single instance was pulled from. @default []
   */
  extraDigests?: string[];
}

/** A `containers-storage:` reference into one {@linkcode ImageStore}. */
export class ContainersStorageReference implements ImageReference {
  /** The transport, `containers-storage`. */
  readonly transport: Transport;
  /** The store the image lives in. */
  readonly store: ImageStore;
  /** The full image name, when the reference names one. */
  readonly name: string | undefined;
  /** The image ID, when the reference gives one. */
  readonly id: string | undefined;
  /** Digests added to the image on commit. */
  readonly extraDigests: readonly string[];

  /** Builds a reference to `target` in `store`. */
  constructor(
    transport: Transport,
    store: ImageStore,
    target: StorageTarget,
    options: ContainersStorageReferenceOptions = {},
  ) {
    this.transport = transport;
    this.store = store;
    this.name = target.name;
    this.id = target.id;
    this.extraDigests = [...(options.extraDigests ?? [])];
  }

  /** The name, or `@<id>`. */
  get withinTransport(): string {
    return this.name ?? `@${this.id}`;
  }

  /** The full image name, when the reference names one. */
  get dockerReference(): string | undefined {
    return this.name;
  }

  /** `containers-storage:NAME` or `containers-storage:@ID`. */
  toString(): string {
    return `${this.transport.name}:${this.withinTransport}`;
  }

  /** The name, when the reference names the image; none (by ID) otherwise. */
  storageNames(): Promise<string[]> {
    return Promise.resolve(this.name === undefined ? [] : [this.name]);
  }

  /** The same reference whose commit also records `extraDigests`. */
  withExtraDigests(extraDigests: string[]): ContainersStorageReference {
    const target = this.name !== undefined ? { name: this.name } : { id: this.id! };
    return new ContainersStorageReference(this.transport, this.store, target, { extraDigests });
  }

  /** Opens the stored image for reading (the context is not needed: the store has its fs). */
  async newSource(_context: TransportContext): Promise<ImageSource> {
    const { openContainersStorageSource } = await import("./source.ts");
    return await openContainersStorageSource(this);
  }

  /** Opens the store for writing an image under this name. */
  async newDestination(_context: TransportContext): Promise<ImageDestination> {
    const { ContainersStorageDestination } = await import("./destination.ts");
    return new ContainersStorageDestination(this);
  }
}

/** The name of the local store's transport: `containers-storage:NAME` or `:@ID`. */
export const CONTAINERS_STORAGE_TRANSPORT = "containers-storage";

/** The `containers-storage` transport over one store. */
export interface ContainersStorageTransport extends Transport {
  /** The store images are read from and written to. */
  readonly store: ImageStore;
  /** Parses `NAME`, `@ID` or `sha256:ID` into a reference. */
  parse(
    withinTransport: string,
    options?: ContainersStorageReferenceOptions,
  ): ContainersStorageReference;
}

/** Builds the `containers-storage` transport over `store`. */
export function containersStorageTransport(store: ImageStore): ContainersStorageTransport {
  const transport: ContainersStorageTransport = {
    name: CONTAINERS_STORAGE_TRANSPORT,
    store,
    parse(withinTransport, options) {
      return new ContainersStorageReference(
        transport,
        store,
        parseStorageTarget(withinTransport),
        options,
      );
    },
  };
  return transport;
}
