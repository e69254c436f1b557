/**
 * The options of a pull and the context it runs in.
 *
 * @module
 */
import type { CredentialsContext, RegistriesConf } from "../config/mod.ts";
import type { CopyProgressEvent } from "../copy/mod.ts";
import type { PlatformChoice } from "../platform/mod.ts";
import type { PullPolicy } from "../policy/mod.ts";
import type { FetchLike } from "../registry/mod.ts";
import type { ContainersStorageTransport } from "../transports/containers_storage/mod.ts";
import type { Platform } from "../types/mod.ts";
import type { RuntimeContext } from "./context.ts";
import type { PullCredentials, RegistryTimeoutOptions } from "./_pull_credentials.ts";
import type { SignatureLocations, TrustPolicy } from "../trust/mod.ts";

/** Everything a pull needs beyond the {@linkcode RuntimeContext}. */
export interface PullContext extends RuntimeContext {
  /** registries.conf: search registries, aliases, mirrors, insecure and blocked registries. */
  registriesConf: RegistriesConf;
  /** Where credentials are looked up (auth files, credential helpers). */
  credentials: CredentialsContext;
  /** The `containers-storage` transport over {@linkcode RuntimeContext.store}. */
  storage: ContainersStorageTransport;
  /** The `fetch` registries are reached with. @default globalThis.fetch */
  fetch?: FetchLike;
  /** Whether stdin and stdout are terminals (short-name prompts). @default false */
  isTTY?: boolean;
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

/** Options of {@linkcode pull}. Never mutated. */
export interface PullOptions extends RegistryTimeoutOptions {
  /** The pull policy (registry pulls only; other transports always copy). @default "missing" */
  policy?: PullPolicy;
  /** The platform to pull, e.g. `linux/arm64/v8` or an object; overridden per part below. */
  platform?: string | PlatformChoice | Platform;
  /** The architecture to pull (`aarch64` is normalized to `arm64`). @default the runtime's */
  architecture?: string;
  /** The OS to pull. @default the runtime's */
  os?: string;
  /** The variant to pull. @default the runtime's */
  variant?: string;
  /** Pull every tag of the repository (registry pulls only). @default false */
  allTags?: boolean;
  /** Verify TLS; `false` also allows plain HTTP. @default true */
  tlsVerify?: boolean;
  /** The credential file to read (`--authfile`). @default the runtime's, else the standard ones */
  authFile?: string;
  /** Credentials, `user[:password]` or an object; only one credential source is allowed. */
  credentials?: PullCredentials;
  /** A user name (with `password`). */
  username?: string;
  /** A password (with `username`). */
  password?: string;
  /** An identity token. */
  identityToken?: string;
  /** How many times a failed transfer is retried. @default 3 */
  retries?: number;
  /** The pause before a retry, in milliseconds. @default 1000 */
  retryDelayMs?: number;
  /** Receives "Resolving …" and "Trying to pull …" lines, and platform warnings. */
  writer?: (line: string) => void;
  /** Receives copy progress. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the pull. */
  signal?: AbortSignal;
}
