/**
 * The options of a pull.
 *
 * @module
 */
import type { Credentials } from "../config/mod.ts";
import type { CopyProgressEvent } from "../copy/mod.ts";
import type { PlatformChoice } from "../platform/mod.ts";
import type { PullPolicy } from "../policy/mod.ts";
import type { Platform } from "../types/mod.ts";

/** Credentials given to a pull: `user[:password]`, or an object. */
export type PullCredentials = string | Credentials;

/** Where an operation that reaches a registry takes its credentials from: one source at most. */
export interface CredentialOptions {
  /** Credentials, `user[:password]` or an object. */
  credentials?: string | Credentials;
  /** A user name (with `password`). */
  username?: string;
  /** A password (with `username`). */
  password?: string;
  /** An identity token. */
  identityToken?: string;
  /** The credential file to read (`--authfile`). @default the runtime's, else the standard ones */
  authFile?: string;
}

/** The network timeouts of registry requests (pull, push, search). */
export interface RegistryTimeoutOptions {
  /**
   * How long a registry request waits for the answer's headers, in milliseconds; 0 waits
   * forever (`--connect-timeout`). @default 30000
   */
  connectTimeoutMs?: number;
  /**
   * How long a read of an answer's body waits for data, in milliseconds; a blob that
   * stalls is resumed with `Range`, then fails naming the registry and the blob; 0 waits
   * forever (`--read-timeout`). @default 60000
   */
  readTimeoutMs?: number;
}

/** Options of {@linkcode Runtime.pull}. Never mutated. */
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
  /**
   * A directory of TLS files for every registry (podman's `--cert-dir`): `*.crt` CA
   * certificates, `NAME.cert` + `NAME.key` client certificate.
   * @default certs.d: `HOST[:PORT]` in `$HOME/.config/containers/certs.d`,
   * `/etc/containers/certs.d` or `/etc/docker/certs.d`, the first that exists
   */
  certDir?: string;
  /** The credential file to read (`--authfile`). @default the runtime's, else the standard ones */
  authFile?: string;
  /** Credentials, `user[:password]` or an object; only one credential source is allowed. */
  credentials?: string | Credentials;
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
