/**
 * What the runtime's operations share: the store, the file system, the lookup function,
 * the event channel, the default platform, the clock and the hooks for containers
 * ({@linkcode RuntimeContext}), and, for operations that reach registries and other
 * transports, the configuration and credentials ({@linkcode OperationContext}). Each
 * operation lives in its own file as a function over one of these; `Runtime` wires them
 * together.
 *
 * @module
 */
import type { CredentialsContext, RegistriesConf } from "../config/mod.ts";
import type { FetchLike } from "../registry/mod.ts";
import type { ContainersStorageTransport, TransportTable } from "../transports/mod.ts";
import type { FileSystem } from "../fs/mod.ts";
import type { SignatureLocations, TrustPolicy } from "../trust/mod.ts";
import type { ImageStore } from "../store/types.ts";
import type { ContainerInfo, LookupOptions, LookupResult } from "../lookup/types.ts";
import type { EventChannel } from "../events/mod.ts";
import type { Platform } from "../types/mod.ts";
import type { PlatformChoice } from "../platform/mod.ts";

/** Everything a runtime operation needs. */
export interface RuntimeContext {
  /** The local image store. */
  store: ImageStore;
  /** The file system the store and path transports use. */
  fs: FileSystem;
  /** Resolves a name, ID or digest against the store; throws `ImageNotFoundError`. */
  lookup(name: string, options?: LookupOptions): Promise<LookupResult>;
  /** Where events go (written after each operation). */
  events: EventChannel;
  /** The platform used when none is requested. */
  platform: Platform;
  /**
   * Platform parts the runtime was configured with explicitly (not the host defaults):
   * they fill what an operation leaves open and count as a custom platform.
   */
  customPlatform?: PlatformChoice;
  /** The current time. */
  now(): Date;
  /** Lists containers that use images (for the `containers` filter and removal). */
  listContainers?: () => Promise<ContainerInfo[]>;
  /** Removes a container (forced removal of an image in use). */
  removeContainer?: (id: string) => Promise<void>;
  /** Receives warnings meant for the user. */
  warn(message: string): void;
}

/**
 * Everything an operation that reaches beyond the store needs (pull, push, save, load,
 * import, search, manifest lists): the {@linkcode RuntimeContext} plus the registries
 * configuration, credentials and the transports. `Runtime` builds one and hands it to
 * each operation.
 */
export interface OperationContext extends RuntimeContext {
  /** registries.conf: search registries, aliases, mirrors, insecure and blocked registries. */
  registriesConf: RegistriesConf;
  /** Where credentials are looked up (auth files, credential helpers). */
  credentials: CredentialsContext;
  /** The `containers-storage` transport over {@linkcode RuntimeContext.store}. */
  storage: ContainersStorageTransport;
  /** The transports `name:rest` strings are parsed with; `storage` is one of them. */
  transports: TransportTable;
  /** The `fetch` registries are reached with. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Whether stdin and stdout are terminals (short-name prompts). @default false */
  isTTY?: boolean | (() => boolean);
  /** Asks the user to pick a short-name candidate. */
  prompt?: (message: string, choices: string[]) => Promise<string>;
  /** A directory for temporary files of archive transports. */
  tmpDir?: string;
  /** The signature policy copies are checked against (`undefined`: none, accept all). */
  trust?: () => Promise<TrustPolicy | undefined>;
  /** Where signatures are read and written (registries.d, the built-in lookaside). */
  signatures?: SignatureLocations;
  /** The byte cap of one load or import. @default DEFAULT_MAX_LOAD_BYTES (64 GiB) */
  maxLoadBytes?: number;
  /** The image cap of one load. @default DEFAULT_MAX_LOAD_IMAGES (1000) */
  maxLoadImages?: number;
}

/**
 * An {@linkcode OperationContext} without registries.conf, for operations that resolve no
 * name and reach no registry (load, import): `Runtime` hands them its context before the
 * file is read, so a broken registries.conf does not stop them.
 */
export type LocalOperationContext = Omit<OperationContext, "registriesConf">;
