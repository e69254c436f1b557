/**
 * One registry endpoint (a host): scheme detection by pinging `/v2/`, authentication,
 * retries and manual redirects that never carry credentials to another origin.
 *
 * @module
 */
import { RegistryError } from "../errors.ts";
import { socketAddress } from "../fs/socket_address.ts";
import { parseAuthChallenges } from "./auth_challenge.ts";
import { Authenticator } from "./_auth.ts";
import { connectionError, type ResourceKind, responseError } from "./_errors.ts";
import {
  AttemptTimeoutError,
  discard,
  fetchOnce,
  type HttpContext,
  type HttpResponse,
  isTransientError,
  readLimited,
  withRetries,
} from "./_http.ts";
import type { Credentials, RepoPrefixRewrite } from "./types.ts";

/** One request to an endpoint. */
export interface RequestSpec {
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  /** A path below the endpoint (`/v2/...`) or an absolute URL (an upload location). */
  path: string;
  /** Query parameters to add. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: Uint8Array | string | ReadableStream<Uint8Array>;
  /** The token scopes the request needs, e.g. `repository:app:pull`. */
  scopes: readonly string[];
  /** Names the resource in error messages. */
  what: string;
  /** Decides what a 404 means. */
  kind: ResourceKind;
  signal?: AbortSignal;
  /** Unsuccessful statuses handed back instead of thrown (e.g. 404 for `HEAD`). */
  accept?: readonly number[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** The longest an insecure endpoint waits to learn whether its HTTPS port speaks TLS. */
const SNIFF_TIMEOUT_MS = 2000;
const MAX_REDIRECTS = 10;

/** The host that serves a registry's API (`docker.io` is served elsewhere). */
export function apiHost(registry: string): string {
  return registry === "docker.io" || registry === "index.docker.io"
    ? "registry-1.docker.io"
    : registry;
}

/** Applies a mirror's prefix rewrite; `undefined` when the repository is not below it. */
export function rewriteRepository(repo: string, rewrite?: RepoPrefixRewrite): string | undefined {
  if (!rewrite) return repo;
  const { from, to } = rewrite;
  let rest: string;
  if (from === "") rest = repo;
  else if (repo === from) rest = "";
  else if (repo.startsWith(`${from}/`)) rest = repo.slice(from.length + 1);
  else return undefined;
  return [to, rest].filter((part) => part !== "").join("/");
}

/** A registry host with its scheme, challenges and tokens. */
export class Endpoint {
  /** The registry as named by the caller, `host[:port]`. */
  readonly registry: string;
  /** Whether plain HTTP may be used. */
  readonly insecure: boolean;
  /** How repository paths change here. */
  readonly rewrite: RepoPrefixRewrite | undefined;
  readonly #namespaceProxy: string | undefined;
  readonly #host: string;
  readonly #ctx: HttpContext;
  readonly #auth: Authenticator;
  #origin: Promise<string> | undefined;
  #originValue = "";

  constructor(
    ctx: HttpContext,
    registry: string,
    options: {
      host?: string;
      insecure?: boolean;
      rewrite?: RepoPrefixRewrite;
      namespaceProxy?: string;
      credentials: () => Promise<Credentials | undefined>;
    },
  ) {
    this.#ctx = ctx;
    this.registry = registry;
    this.#host = options.host ?? apiHost(registry);
    this.insecure = options.insecure ?? false;
    this.rewrite = options.rewrite;
    this.#namespaceProxy = options.namespaceProxy;
    this.#auth = new Authenticator(ctx, registry, options.credentials);
  }

  /** The scheme and host requests go to, found by pinging `/v2/` once. */
  origin(signal?: AbortSignal): Promise<string> {
    this.#origin ??= this.#ping(signal).then(
      (origin) => {
        this.#originValue = origin;
        return origin;
      },
      (error) => {
        this.#origin = undefined;
        throw error;
      },
    );
    return this.#origin;
  }

  /** An absolute URL for a `Location` the registry answered (which may be relative). */
  resolve(location: string): string {
    return new URL(location, this.#originValue || `https://${this.#host}`).href;
  }

  async #ping(signal: AbortSignal | undefined): Promise<string> {
    const what = `${this.registry}/v2/`;
    const attempt = async (scheme: string, replayable: boolean) => {
      const url = new URL(`${scheme}://${this.#host}/v2/`);
      const init = { method: "GET", headers: { "user-agent": this.#ctx.userAgent } };
      const send = () => fetchOnce(this.#ctx, url, init, signal);
      const response = await withRetries(
        this.#ctx.retry,
        signal,
        replayable,
        scheme === "https" && !this.insecure ? () => this.#explainHttps(send, url, signal) : send,
      );
      if (response.ok || response.status === 401) {
        this.#auth.setChallenges(parseAuthChallenges(response.headers.get("www-authenticate")));
        await discard(response);
        return url.origin;
      }
      throw await responseError(response, "other", what);
    };
    if (!this.insecure || !(await this.#answersPlainToTls(signal))) {
      try {
        return await attempt("https", !this.insecure);
      } catch (error) {
        if (!this.insecure || signal?.aborted) {
          throw signal?.aborted ? error : connectionError(error, what);
        }
      }
    }
    try {
      return await attempt("http", true);
    } catch (error) {
      throw signal?.aborted ? error : connectionError(error, what);
    }
  }

  /**
   * Runs `send` (an HTTPS ping); when it fails and the host answers plain HTTP, fails with
   * podman's words for it instead (not retried: retrying cannot help).
   */
  async #explainHttps(
    send: () => Promise<HttpResponse>,
    url: URL,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    try {
      return await send();
    } catch (error) {
      if (signal?.aborted || error instanceof AttemptTimeoutError) throw error;
      if (!(await this.#answersPlainHttp(signal))) throw error;
      throw new RegistryError(
        `${this.registry}/v2/`,
        0,
        `pinging container registry ${this.registry}: Get "${url.href}": http: server gave ` +
          "HTTP response to HTTPS client (a plain-HTTP registry needs --tls-verify=false, " +
          "or insecure = true in registries.conf)",
        { cause: error },
      );
    }
  }

  /**
   * Whether the HTTPS port answers a TLS ClientHello in plain HTTP: then an HTTPS attempt
   * is bound to fail, and an insecure endpoint goes to HTTP without building the runtime's
   * TLS stack for it. Anything else (TLS, no answer, no way to ask) means "try HTTPS".
   */
  async #answersPlainToTls(signal: AbortSignal | undefined): Promise<boolean> {
    const sniff = this.#ctx.sniffTls;
    if (sniff === undefined) return false;
    const { host, port } = socketAddress(new URL(`https://${this.#host}/`));
    const timeoutMs = Math.min(this.#ctx.connectTimeoutMs || SNIFF_TIMEOUT_MS, SNIFF_TIMEOUT_MS);
    return await sniff(host, port, { timeoutMs, signal }) === "plain";
  }

  /**
   * Whether the host answers a plain-HTTP request (one try, no credentials). A `400` is
   * not counted: it is how an HTTPS server (Go's, the registry's) answers plain HTTP.
   */
  async #answersPlainHttp(signal: AbortSignal | undefined): Promise<boolean> {
    try {
      const url = new URL(`http://${this.#host}/v2/`);
      const init = { method: "GET", headers: { "user-agent": this.#ctx.userAgent } };
      const response = await fetchOnce(this.#ctx, url, init, signal);
      await discard(response);
      return response.status !== 400;
    } catch {
      return false;
    }
  }

  /**
   * Sends a request with authentication, retries and redirects. Resolves with a successful
   * (or `spec.accept`ed) response; otherwise rejects with the mapped stevedore error.
   */
  async send(spec: RequestSpec): Promise<HttpResponse> {
    const signal = spec.signal;
    const origin = await this.origin(signal);
    const url = new URL(spec.path, origin);
    for (const [key, value] of Object.entries(spec.query ?? {})) url.searchParams.set(key, value);
    if (this.#namespaceProxy !== undefined && url.origin === origin) {
      url.searchParams.set("ns", this.#namespaceProxy);
    }
    const replayable = !(spec.body instanceof ReadableStream);
    let authorization = await this.#auth.authorization(spec.scopes, signal);
    let response = await this.#attempt(spec, url, authorization, signal, replayable);
    if (response.status === 401 && replayable) {
      const challenges = parseAuthChallenges(response.headers.get("www-authenticate"));
      const scopes = await this.#auth.renew(challenges, authorization, spec.scopes);
      if (scopes) {
        await discard(response);
        authorization = await this.#auth.authorization(scopes, signal);
        response = await this.#attempt(spec, url, authorization, signal, replayable);
      }
    }
    if (response.ok || spec.accept?.includes(response.status)) return response;
    throw await responseError(response, spec.kind, spec.what);
  }

  /**
   * Sends a request and reads its (small) body whole, at most `limit` bytes. A body cut
   * short or stalled past the read timeout sends the request again, up to the retry
   * limit; then the failure is a `RegistryError` naming `spec.what`.
   */
  async sendAndRead(
    spec: RequestSpec,
    limit: number,
    tooLarge: () => Error,
  ): Promise<{ response: HttpResponse; bytes: Uint8Array }> {
    const policy = this.#ctx.retry;
    for (let attempt = 0;; attempt++) {
      const response = await this.send(spec);
      try {
        return { response, bytes: await readLimited(response, limit, tooLarge) };
      } catch (error) {
        if (spec.signal?.aborted || !isTransientError(error, spec.signal)) throw error;
        if (attempt >= policy.maxRetries) throw connectionError(error, spec.what);
        await policy.sleep(policy.delayMs, spec.signal);
      }
    }
  }

  async #attempt(
    spec: RequestSpec,
    url: URL,
    authorization: string | undefined,
    signal: AbortSignal | undefined,
    replayable: boolean,
  ): Promise<HttpResponse> {
    try {
      return await withRetries(
        this.#ctx.retry,
        signal,
        replayable,
        () => this.#follow(spec, url, authorization, signal),
      );
    } catch (error) {
      if (signal?.aborted) throw error;
      throw connectionError(error, spec.what);
    }
  }

  /** One attempt, following redirects of `GET`/`HEAD` by hand. */
  async #follow(
    spec: RequestSpec,
    url: URL,
    authorization: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<HttpResponse> {
    const follows = spec.method === "GET" || spec.method === "HEAD";
    let current = url;
    for (let hop = 0;; hop++) {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(spec.headers ?? {})) {
        headers[name.toLowerCase()] = value;
      }
      headers["user-agent"] = this.#ctx.userAgent;
      // Credentials stay with the registry: a redirect elsewhere (a CDN) gets none.
      if (authorization && current.origin === this.#originValue) {
        headers.authorization = authorization;
      }
      const init: RequestInit & { duplex?: "half" } = {
        method: spec.method,
        headers,
        body: spec.body as BodyInit | undefined,
        redirect: "manual",
      };
      // A streamed upload may take long before the answer comes: no timeout for it.
      const streamed = spec.body instanceof ReadableStream;
      if (streamed) init.duplex = "half";
      const timeoutMs = streamed ? 0 : this.#ctx.connectTimeoutMs;
      const response = await fetchOnce(this.#ctx, current, init, signal, timeoutMs);
      if (response.type === "opaqueredirect") {
        // The runtime hides the target; let it follow (fetch drops Authorization across
        // origins by itself).
        const follow: RequestInit = { ...init, redirect: "follow" };
        return await fetchOnce(this.#ctx, current, follow, signal, timeoutMs);
      }
      if (!follows || !REDIRECTS.has(response.status)) return response;
      const location = response.headers.get("location");
      if (!location) return response;
      await discard(response);
      if (hop >= MAX_REDIRECTS) {
        throw new RegistryError(spec.what, response.status, "too many redirects");
      }
      current = new URL(location, current);
    }
  }
}
