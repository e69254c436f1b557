/**
 * The client of one OCI distribution (Docker registry v2) registry, with its mirrors.
 *
 * @module
 */
import { defaultFetch, registryDefaultFetch } from "./_default_fetch.ts";
import { sniffTls } from "../fs/tls_sniff.ts";
import { isValidDomain } from "../reference/mod.ts";
import { getBlob, headBlob } from "./_blobs.ts";
import { Endpoint, rewriteRepository } from "./_endpoint.ts";
import { anySignal, defaultSleep, type HttpContext } from "./_http.ts";
import { catalog, listTags, searchV1 } from "./_listing.ts";
import { deleteManifest, getManifest, headManifest, putManifest } from "./_manifests.ts";
import { mountBlob, putBlob } from "./_uploads.ts";
import type {
  CallOptions,
  Credentials,
  FetchedManifest,
  GetBlobOptions,
  GetManifestOptions,
  ListOptions,
  ManifestDescriptor,
  MountResult,
  PutBlobOptions,
  RegistryClientOptions,
  RepoPrefixRewrite,
  SearchResult,
} from "./types.ts";

/** The `User-Agent` sent unless another is given. */
export const DEFAULT_USER_AGENT = "stevedore/0.1.0";

/** How long a request waits for response headers unless told otherwise, in milliseconds. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;

/** How long a body read waits for data unless told otherwise, in milliseconds. */
export const DEFAULT_READ_TIMEOUT_MS = 60_000;

function count(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`Invalid ${name} ${value}: must be a non-negative integer`);
  }
  return value;
}

/**
 * Talks to one registry over the OCI distribution API: manifests, blobs, uploads, tags,
 * catalog and v1 search. Reads go to the configured endpoints in order (mirrors, then the
 * registry itself); writes go to the registry only. Requests are authenticated as the
 * registry asks (Basic, Bearer tokens, identity tokens), retried on transient failures,
 * and every manifest and blob read is verified against its digest.
 *
 * @example
 * ```ts ignore
 * import { RegistryClient } from "./registry_client.ts";
 * const client = new RegistryClient({ registry: "127.0.0.1:5000", insecure: true });
 * const { bytes, mediaType, digest } = await client.getManifest("library/alpine", "latest");
 * ```
 */
export class RegistryClient {
  /** The registry, `host[:port]`, as given. */
  readonly registry: string;
  readonly #ctx: HttpContext;
  /** The context of insecure endpoints: without certificate checks, unless `fetch` is given. */
  #insecureCtx: HttpContext | undefined;
  readonly #ownFetch: boolean;
  readonly #tls: RegistryClientOptions["tls"];
  readonly #primary: Endpoint;
  readonly #reads: Endpoint[];
  readonly #signal: AbortSignal | undefined;
  readonly #credentials: RegistryClientOptions["credentials"];
  #searchEndpoint: Endpoint | undefined;

  /** Prepares a client; nothing is sent before the first call. */
  constructor(options: RegistryClientOptions) {
    const registry = options.registry;
    if (typeof registry !== "string" || !isValidDomain(registry)) {
      throw new TypeError(`Invalid registry "${registry}": expected host[:port]`);
    }
    this.registry = registry;
    this.#signal = options.signal;
    this.#credentials = options.credentials;
    this.#ownFetch = options.fetch !== undefined;
    this.#tls = options.tls;
    this.#ctx = {
      fetch: options.fetch ?? defaultFetch(),
      userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
      connectTimeoutMs: count(
        options.connectTimeoutMs,
        DEFAULT_CONNECT_TIMEOUT_MS,
        "connectTimeoutMs",
      ),
      readTimeoutMs: count(options.readTimeoutMs, DEFAULT_READ_TIMEOUT_MS, "readTimeoutMs"),
      sniffTls: options.fetch === undefined ? sniffTls : undefined,
      retry: {
        maxRetries: count(options.retry?.maxRetries, 3, "retry.maxRetries"),
        delayMs: count(options.retry?.delayMs, 1000, "retry.delayMs"),
        maxDelayMs: count(options.retry?.maxDelayMs, 60_000, "retry.maxDelayMs"),
        sleep: options.sleep ?? defaultSleep,
        now: options.now ?? Date.now,
      },
    };
    const insecure = options.insecure ?? options.tlsVerify === false;
    this.#primary = this.#endpoint(registry, insecure);
    const reads: Endpoint[] = [];
    for (const entry of options.endpoints ?? []) {
      if (typeof entry.registry !== "string" || !isValidDomain(entry.registry)) {
        throw new TypeError(`Invalid mirror "${entry.registry}": expected host[:port]`);
      }
      const isPrimary = entry.registry === registry && !entry.repoPrefixRewrite &&
        entry.namespaceProxy === undefined;
      reads.push(
        isPrimary ? this.#primary : this.#endpoint(entry.registry, entry.insecure ?? false, {
          rewrite: entry.repoPrefixRewrite,
          namespaceProxy: entry.namespaceProxy,
        }),
      );
    }
    if (!reads.includes(this.#primary)) reads.push(this.#primary);
    this.#reads = reads;
  }

  #endpoint(
    registry: string,
    insecure: boolean,
    extra: { rewrite?: RepoPrefixRewrite; namespaceProxy?: string; host?: string } = {},
  ): Endpoint {
    return new Endpoint(this.#contextOf(registry, insecure), registry, {
      ...extra,
      insecure,
      credentials: () => this.#lookup(registry),
    });
  }

  /**
   * The context of an endpoint: the default `fetch` gets the endpoint's TLS settings (no
   * certificate checks when insecure; its CA and client certificates), read on its first
   * request.
   */
  #contextOf(registry: string, insecure: boolean): HttpContext {
    if (this.#ownFetch) return this.#ctx;
    const tls = this.#tls;
    if (tls === undefined) {
      if (!insecure) return this.#ctx;
      return this.#insecureCtx ??= { ...this.#ctx, fetch: defaultFetch({ verifyTls: false }) };
    }
    // A RegistryTls object is the primary registry's; a function is asked per registry.
    const own = typeof tls === "function" || registry === this.registry ? tls : undefined;
    return { ...this.#ctx, fetch: registryDefaultFetch(registry, { insecure, tls: own }) };
  }

  async #lookup(registry: string): Promise<Credentials | undefined> {
    const source = this.#credentials;
    if (source === undefined) return undefined;
    if (typeof source === "function") return await source(registry);
    return registry === this.registry ? source : undefined;
  }

  #signalOf(options?: CallOptions): AbortSignal | undefined {
    return anySignal([this.#signal, options?.signal]);
  }

  /**
   * Runs a read on each endpoint in order until one answers; a result of `undefined`
   * (absent) moves on too. The last endpoint's failure or absence is the answer.
   */
  async #read<T>(
    repo: string,
    signal: AbortSignal | undefined,
    call: (endpoint: Endpoint, repo: string) => Promise<T | undefined>,
  ): Promise<T | undefined> {
    let failure: { error: unknown } | undefined;
    for (const endpoint of this.#reads) {
      const mapped = rewriteRepository(repo, endpoint.rewrite);
      if (mapped === undefined) continue;
      try {
        const result = await call(endpoint, mapped);
        if (result !== undefined) return result;
        failure = undefined;
      } catch (error) {
        if (signal?.aborted || error instanceof TypeError || error instanceof RangeError) {
          throw error;
        }
        failure = { error };
      }
    }
    if (failure) throw failure.error;
    return undefined;
  }

  /** Checks that the registry answers (and learns its scheme and challenges). */
  async ping(options: CallOptions = {}): Promise<void> {
    await this.#primary.origin(this.#signalOf(options));
  }

  /**
   * Fetches a manifest by tag or digest: its exact bytes, media type and digest (computed
   * over the bytes; a digest reference is verified). Larger than 4 MiB is refused.
   */
  async getManifest(
    repo: string,
    reference: string,
    options: GetManifestOptions = {},
  ): Promise<FetchedManifest> {
    const signal = this.#signalOf(options);
    const result = await this.#read(
      repo,
      signal,
      (endpoint, path) => getManifest(endpoint, path, reference, { ...options, signal }),
    );
    return result as FetchedManifest;
  }

  /** Describes a manifest without downloading it; `undefined` when it does not exist. */
  headManifest(
    repo: string,
    reference: string,
    options: GetManifestOptions = {},
  ): Promise<ManifestDescriptor | undefined> {
    const signal = this.#signalOf(options);
    return this.#read(
      repo,
      signal,
      (endpoint, path) => headManifest(endpoint, path, reference, { ...options, signal }),
    );
  }

  /** Uploads a manifest under a tag or digest; resolves with its digest. */
  putManifest(
    repo: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
    options: CallOptions = {},
  ): Promise<string> {
    const signal = this.#signalOf(options);
    return putManifest(this.#primary, repo, reference, bytes, mediaType, { signal });
  }

  /** Deletes a manifest (registries usually want its digest). */
  deleteManifest(repo: string, reference: string, options: CallOptions = {}): Promise<void> {
    return deleteManifest(this.#primary, repo, reference, { signal: this.#signalOf(options) });
  }

  /**
   * Streams a blob. The stream is verified while it flows and errors with
   * `DigestMismatchError` at the end on a mismatch; a cut connection is resumed with
   * `Range` up to the retry limit. Missing blobs reject with `BlobUnknownError`.
   */
  async getBlob(
    repo: string,
    digest: string,
    options: GetBlobOptions = {},
  ): Promise<ReadableStream<Uint8Array>> {
    const signal = this.#signalOf(options);
    const result = await this.#read(
      repo,
      signal,
      (endpoint, path) => getBlob(endpoint, this.#ctx, path, digest, { ...options, signal }),
    );
    return result as ReadableStream<Uint8Array>;
  }

  /**
   * The size of a blob (`-1` when the registry does not tell), or `undefined` when it
   * does not exist.
   */
  headBlob(repo: string, digest: string, options: CallOptions = {}): Promise<number | undefined> {
    const signal = this.#signalOf(options);
    return this.#read(
      repo,
      signal,
      (endpoint, path) => headBlob(endpoint, path, digest, { signal }),
    );
  }

  /**
   * Uploads a blob in one `PUT`, or in `PATCH` chunks of `options.chunkSize` bytes (at
   * least the registry's `OCI-Chunk-Min-Length`). The data is checked against `digest`
   * and `size`; a stream cannot be retried.
   */
  putBlob(
    repo: string,
    digest: string,
    size: number,
    data: Uint8Array | ReadableStream<Uint8Array>,
    options: PutBlobOptions = {},
  ): Promise<void> {
    const signal = this.#signalOf(options);
    return putBlob(this.#primary, repo, digest, size, data, { ...options, signal });
  }

  /**
   * Asks the registry to reuse a blob of `fromRepo` in `repo`. When it does not, the
   * upload session it opened is returned (pass it to {@linkcode putBlob} as `location`).
   */
  mountBlob(
    repo: string,
    digest: string,
    fromRepo: string,
    options: CallOptions = {},
  ): Promise<MountResult> {
    return mountBlob(this.#primary, repo, digest, fromRepo, { signal: this.#signalOf(options) });
  }

  /** Lists a repository's tags, following `Link` pagination. */
  listTags(repo: string, options: ListOptions = {}): Promise<string[]> {
    return listTags(this.#primary, repo, { ...options, signal: this.#signalOf(options) });
  }

  /** Lists the registry's repositories (`/v2/_catalog`), following `Link` pagination. */
  catalog(options: ListOptions = {}): Promise<string[]> {
    return catalog(this.#primary, { ...options, signal: this.#signalOf(options) });
  }

  /**
   * Searches with the v1 search API (`/v1/search?q=&n=`); Docker Hub's is asked at
   * `index.docker.io`.
   */
  searchV1(term: string, limit = 25, options: CallOptions = {}): Promise<SearchResult[]> {
    if (this.#searchEndpoint === undefined) {
      const hub = this.registry === "docker.io" || this.registry === "index.docker.io";
      this.#searchEndpoint = hub
        ? this.#endpoint(this.registry, false, { host: "index.docker.io" })
        : this.#primary;
    }
    return searchV1(this.#searchEndpoint, term, limit, { signal: this.#signalOf(options) });
  }
}
