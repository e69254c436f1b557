/**
 * The public shapes of the registry client: credentials, options and results.
 *
 * @module
 */

/** A `fetch`-compatible function; the client never calls the global one directly. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

import type { Credentials } from "../config/mod.ts";
import type { RegistryTls } from "../config/certs_dir.ts";
export type { Credentials, RegistryTls };

/**
 * Where credentials come from: fixed credentials (used for the primary registry only), or a
 * function asked once per registry host (mirrors included).
 */
export type CredentialsSource =
  | Credentials
  | ((registry: string) => Credentials | undefined | Promise<Credentials | undefined>);

/**
 * A registry's TLS material (its CA certificates, a client certificate): fixed (used for
 * the primary registry only), or a function asked once per registry host (mirrors
 * included), e.g. one that reads certs.d.
 */
export type RegistryTlsSource =
  | RegistryTls
  | ((registry: string) => RegistryTls | undefined | Promise<RegistryTls | undefined>);

/** How failed requests are retried. */
export interface RetryOptions {
  /** How many times a request is retried after the first attempt. @default 3 */
  maxRetries?: number;
  /** The pause before each retry, in milliseconds. @default 1000 */
  delayMs?: number;
  /** The longest pause a `Retry-After` answer may impose, in milliseconds. @default 60000 */
  maxDelayMs?: number;
}

/**
 * Rewrites repository paths for a mirror: a repository equal to `from`, or below it, gets
 * `from` replaced by `to`. An empty `from` matches every repository (and prepends `to`).
 */
export interface RepoPrefixRewrite {
  /** The repository prefix on the primary registry, without the host. */
  from: string;
  /** The replacement on the mirror, without the host. */
  to: string;
}

/** One place to read from: a mirror or the primary registry. */
export interface RegistryEndpoint {
  /** The registry host, `host[:port]`. */
  registry: string;
  /**
   * Whether this endpoint is insecure: as for {@linkcode RegistryClientOptions.insecure},
   * HTTPS without certificate checks first, then plain HTTP. @default false
   */
  insecure?: boolean;
  /** How repository paths change on this endpoint. @default no change */
  repoPrefixRewrite?: RepoPrefixRewrite;
  /** The `ns` query parameter a namespace proxy wants on every request. @default none */
  namespaceProxy?: string;
}

/** Options of {@linkcode RegistryClient}. */
export interface RegistryClientOptions {
  /** The primary registry host, `host[:port]`; `docker.io` talks to Docker Hub. */
  registry: string;
  /**
   * The `fetch` to use. Certificate checks are then its business: an insecure registry
   * gets this `fetch` too, and only falls back to plain HTTP.
   * @default globalThis.fetch (on Node, `node:http` for downloads: `GET` and `HEAD`
   * requests without a body; for insecure registries, see `insecure`)
   */
  fetch?: FetchLike;
  /** Credentials, or a function that finds them for a registry host. @default anonymous */
  credentials?: CredentialsSource;
  /**
   * Whether the primary registry is insecure, as containers/image treats one: its HTTPS
   * requests (ping, tokens, manifests, blobs, uploads, redirects) skip certificate checks
   * (so a self-signed certificate is accepted), and when HTTPS fails, plain HTTP is used.
   * Skipping the checks needs the default `fetch` on Node, Deno (`node:https`) or Bun (its
   * `fetch`'s `tls` option); with an injected `fetch`, or on another runtime, they stay as
   * that `fetch` does them and only the plain-HTTP fallback applies.
   * @default false
   */
  insecure?: boolean;
  /** `false` means the same as `insecure: true` (see there). @default true */
  tlsVerify?: boolean;
  /**
   * CA certificates to trust and a client certificate to send, per registry host (what
   * containers/image reads from certs.d). Used by the default `fetch` on Node, Deno
   * (`node:https`) and Bun (its `fetch`'s `tls` option); an injected `fetch`, or another
   * runtime, does not see them. A function that throws (a key without its certificate)
   * fails the registry's first request. @default none
   */
  tls?: RegistryTlsSource;
  /** The `User-Agent` header. @default "stevedore/0.1.0" */
  userAgent?: string;
  /** How failed requests are retried. @default { maxRetries: 3, delayMs: 1000 } */
  retry?: RetryOptions;
  /** Cancels every request of this client. */
  signal?: AbortSignal;
  /**
   * How long to wait for the response headers of a request, in milliseconds: connecting,
   * sending the request and the registry's answer (streamed uploads are not limited);
   * 0 waits forever. A request that times out is retried. @default 30000
   */
  connectTimeoutMs?: number;
  /**
   * How long one read of a response body may wait for data, in milliseconds; 0 waits
   * forever. A blob body that stalls is resumed with `Range` (a retry), and fails with a
   * `RegistryError` naming the registry and the blob once the retries are spent.
   * @default 60000
   */
  readTimeoutMs?: number;
  /** Where reads go, in order (mirrors, then the primary). @default the primary only */
  endpoints?: RegistryEndpoint[];
  /** The current time in milliseconds (token expiry, `Retry-After` dates). @default Date.now */
  now?: () => number;
  /** Waits `ms` milliseconds before a retry. @default a timer */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Options every call accepts. */
export interface CallOptions {
  /** Cancels this call. */
  signal?: AbortSignal;
}

/** A manifest as fetched: its exact bytes, media type and digest. */
export interface FetchedManifest {
  /** The manifest exactly as received. */
  bytes: Uint8Array;
  /** Its media type (from `Content-Type`, or sniffed from the bytes). */
  mediaType: string;
  /** The digest of `bytes`, `algorithm:hex`. */
  digest: string;
}

/** What a `HEAD` on a manifest tells. */
export interface ManifestDescriptor {
  /** The manifest's media type. */
  mediaType: string;
  /** The manifest's digest. */
  digest: string;
  /** The manifest's size in bytes. */
  size: number;
}

/** Options of {@linkcode RegistryClient.getManifest}. */
export interface GetManifestOptions extends CallOptions {
  /** The media types to accept. @default every manifest and index type */
  accept?: readonly string[];
}

/** Options of {@linkcode RegistryClient.getBlob}. */
export interface GetBlobOptions extends CallOptions {
  /** The expected size; a different size is rejected. @default not checked */
  size?: number;
}

/** Options of {@linkcode RegistryClient.putBlob}. */
export interface PutBlobOptions extends CallOptions {
  /** Upload in `PATCH` chunks of this many bytes; 0 uploads in one `PUT`. @default 0 */
  chunkSize?: number;
  /** An upload session already opened (e.g. by a mount that did not mount). */
  location?: string;
}

/** The answer to a cross-repository mount. */
export type MountResult =
  | { mounted: true }
  | { mounted: false; location: string };

/** Options of listing calls. */
export interface ListOptions extends CallOptions {
  /** How many entries to ask for per page (`n`). @default the registry's choice */
  pageSize?: number;
  /** The most entries to return. @default all */
  limit?: number;
}

/** One row of a v1 search answer. */
export interface SearchResult {
  /** The repository name. */
  name: string;
  /** Its description. */
  description: string;
  /** How many stars it has. */
  star_count: number;
  /** Whether it is an official image. */
  is_official: boolean;
  /** Whether it is an automated build. */
  is_automated: boolean;
}
