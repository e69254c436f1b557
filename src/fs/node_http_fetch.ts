/**
 * `fetch` over `node:http` and `node:https`, for Node: there, `fetch` (undici) copies each
 * body chunk and passes it through Web streams of its own, which made reading a 173 MiB
 * registry blob cost ~200 ms more CPU (and twice the garbage) than reading it from
 * `node:http` (bench/README.md); and its first request compiles undici's HTTP parser
 * (WebAssembly), ~90 ms of CPU and ~28 MiB of memory in a short process. The answer has
 * `Response`'s shape ({@linkcode NodeResponse}) but is not one: a request without a body,
 * given as a URL, does not load undici (`Request`, `Headers`, `Response`) at all. On Node,
 * `GET` and `HEAD` go further and skip `node:http` too (see `_node_socket_http.ts`: its
 * client allocates every socket read and copies every body chunk once more).
 *
 * @example
 * ```ts ignore
 * import { nodeHttpFetch } from "./node_http_fetch.ts";
 * const response = await nodeHttpFetch("http://127.0.0.1:5000/v2/");
 * console.log(response.status);
 * ```
 *
 * @module
 */
import type { Agent, AgentOptions, RequestOptions } from "node:https";
import { requireNodeBuiltin } from "../host/node_builtin.ts";
import { type NodeRequestSpec, requestSpec, sendNodeRequest } from "./_node_http.ts";
import { socketHttpAvailable, SocketPool } from "./_node_socket_http.ts";
import type { NodeResponse } from "./_node_response.ts";
import { socketAddress } from "./socket_address.ts";

export type { NodeResponse };
export { toFetchResponse } from "./_node_response.ts";

/** The statuses `fetch` follows. */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** The headers of a request body, dropped with it. */
const BODY_HEADERS = [
  "content-encoding",
  "content-language",
  "content-location",
  "content-type",
  "content-length",
];

/** How many redirects `fetch` follows before it fails. */
const MAX_REDIRECTS = 20;

/** The methods `fetch` writes in upper case whatever case they were given in. */
const NORMALIZED_METHODS: ReadonlySet<string> = new Set([
  "DELETE",
  "GET",
  "HEAD",
  "OPTIONS",
  "POST",
  "PUT",
]);

/** `init` as a record of lower-case names (repeated names joined, as `Headers` does). */
function headerRecord(init: HeadersInit | undefined): Record<string, string> {
  const record: Record<string, string> = {};
  const add = (name: string, value: string) => {
    const key = name.toLowerCase();
    record[key] = key in record ? `${record[key]}, ${value}` : `${value}`;
  };
  if (init === undefined) return record;
  if (Array.isArray(init)) {
    for (const [name, value] of init) add(name, value);
  } else if (typeof (init as Headers).forEach === "function") {
    (init as Headers).forEach((value, name) => add(name, value));
  } else {
    for (const [name, value] of Object.entries(init)) add(name, value);
  }
  return record;
}

/**
 * What `input` and `init` ask for. A request without a body, given as a URL, is described
 * directly (no `Request` built); one with a body, or given as a `Request`, goes through
 * `Request`, which turns the body into a stream and checks it as `fetch` does.
 */
function describe(input: string | URL | Request, init: RequestInit | undefined): NodeRequestSpec {
  if ((typeof input !== "string" && !(input instanceof URL)) || init?.body != null) {
    return requestSpec(new Request(input, init));
  }
  const url = new URL(input instanceof URL ? input.href : input);
  if (url.username !== "" || url.password !== "") {
    throw new TypeError(`Cannot fetch "${url.origin}": the URL includes credentials`);
  }
  const method = init?.method ?? "GET";
  const upper = method.toUpperCase();
  return {
    method: NORMALIZED_METHODS.has(upper) ? upper : method,
    url,
    headers: headerRecord(init?.headers),
    body: null,
    signal: init?.signal ?? undefined,
  };
}

/**
 * `spec` moved to `location` for a redirect with `status`, as `fetch` does: a body is
 * dropped (with its `Content-*` headers) where the method becomes `GET` (a `303`, or a
 * `301`/`302` of a `POST`), and a request that would send its streamed body again fails;
 * `Authorization` is not sent to another origin.
 */
function redirected(spec: NodeRequestSpec, status: number, location: string): NodeRequestSpec {
  const from = spec.url.href;
  let url: URL;
  try {
    url = new URL(location, spec.url);
  } catch (cause) {
    throw new TypeError(`Cannot fetch "${from}": invalid redirect location "${location}"`, {
      cause,
    });
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Cannot fetch "${from}": redirected to "${url.href}", not HTTP(S)`);
  }
  const headers = { ...spec.headers };
  if (url.origin !== spec.url.origin) delete headers.authorization;
  let { method, body } = spec;
  if (
    (status === 303 && method !== "GET" && method !== "HEAD") ||
    ((status === 301 || status === 302) && method === "POST")
  ) {
    method = "GET";
    body = null;
    for (const name of BODY_HEADERS) delete headers[name];
  } else if (body !== null) {
    throw new TypeError(`Cannot fetch "${from}": a ${status} redirect cannot send the body again`);
  }
  return { method, url, headers, body, signal: spec.signal };
}

/**
 * Sends a request with `node:http` (`http:`) or `node:https` (`https:`, the runtime's
 * CA certificates) and the shared keep-alive agents. Redirects are handled as `fetch`
 * does for its `redirect` option: followed (`"follow"`, the default, up to 20), returned as
 * they are (`"manual"`, `Location` readable), or failed (`"error"`). Connection failures
 * reject with a `TypeError` whose `cause` is the system error (as `fetch` does); an
 * aborted signal rejects with its reason. Bodies are not decoded (no `Accept-Encoding` is
 * sent).
 */
export function nodeHttpFetch(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<NodeResponse> {
  return send(input, init, undefined, () => defaultPool ??= new SocketPool());
}

/** The connections of {@linkcode nodeHttpFetch}'s requests without a body, on Node. */
let defaultPool: SocketPool | undefined;

/** How {@linkcode nodeTlsFetch} talks to HTTPS servers. */
export interface NodeTlsOptions {
  /**
   * Whether the server's certificate is checked (against the runtime's CA certificates
   * and `ca`) and its name matched. @default true
   */
  verify?: boolean;
  /** CA certificates (PEM) trusted besides the runtime's own. @default none */
  ca?: readonly string[];
  /** A client certificate (PEM), sent with `key`. @default none */
  cert?: string;
  /** The client certificate's private key (PEM). @default none */
  key?: string;
}

/** A `fetch` over `node:http` and `node:https`, as {@linkcode nodeHttpFetch}. */
export type NodeFetch = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<NodeResponse>;

/**
 * {@linkcode nodeHttpFetch} with `tls` for its `https:` requests (redirects included),
 * over a keep-alive pool of connections of its own: a connection opened without checks
 * never carries a request of another `fetch`. `http:` requests are
 * {@linkcode nodeHttpFetch}'s.
 *
 * @example
 * ```ts ignore
 * import { nodeTlsFetch } from "./node_http_fetch.ts";
 * const unchecked = nodeTlsFetch({ verify: false });
 * const response = await unchecked("https://127.0.0.1:5000/v2/"); // a self-signed registry
 * ```
 */
export function nodeTlsFetch(tls: NodeTlsOptions): NodeFetch {
  let agent: Agent | undefined;
  let pool: SocketPool | undefined;
  const options = (): RequestOptions => {
    if (agent === undefined) {
      const https = requireNodeBuiltin("node:https", "send an HTTPS request");
      // Node's global agent's settings, plus the TLS ones.
      agent = new https.Agent({
        keepAlive: true,
        scheduling: "lifo",
        timeout: 5000,
        ...tlsOf(tls),
      });
    }
    return { agent };
  };
  return (input, init) => send(input, init, options, () => pool ??= new SocketPool(tlsOf(tls)));
}

/** The `node:tls` options of `tls`. */
function tlsOf(tls: NodeTlsOptions): AgentOptions {
  const options: AgentOptions = {};
  if (tls.verify === false) {
    // Nothing is checked, so no CA is needed: an empty list spares Node building its
    // store of root certificates.
    options.rejectUnauthorized = false;
    options.ca = [];
  } else if (tls.ca !== undefined && tls.ca.length > 0) {
    // `ca` replaces the runtime's CAs: keep them.
    const { rootCertificates } = requireNodeBuiltin("node:tls", "trust extra CA certificates");
    options.ca = [...rootCertificates, ...tls.ca];
  }
  if (tls.cert !== undefined && tls.key !== undefined) {
    options.cert = tls.cert;
    options.key = tls.key;
  }
  return options;
}

/**
 * Sends a request; `https` gives the extra options of `https:` requests through
 * `node:http`. On Node, a `GET` or `HEAD` goes over the sockets of `pool` instead
 * (see `src/fs/_node_socket_http.ts`).
 */
async function send(
  input: string | URL | Request,
  init: RequestInit | undefined,
  https: (() => RequestOptions) | undefined,
  pool: () => SocketPool,
): Promise<NodeResponse> {
  let spec = describe(input, init);
  const mode = init?.redirect ??
    (typeof input === "string" || input instanceof URL ? "follow" : input.redirect);
  for (let hops = 0;; hops++) {
    const url = spec.url;
    const secure = url.protocol === "https:";
    if (!secure && url.protocol !== "http:") {
      throw new TypeError(`Cannot fetch "${url.href}": not an HTTP(S) URL`);
    }
    const { host, port } = socketAddress(url);
    const bodiless = spec.body === null && (spec.method === "GET" || spec.method === "HEAD");
    const response = bodiless && socketHttpAvailable()
      ? await pool().send(spec, { host, port }, url.host, secure)
      : await sendNodeRequest(
        spec,
        secure && https ? { host, port, ...https() } : { host, port },
        url.host,
        secure,
      );
    if (mode === "manual" || !REDIRECTS.has(response.status)) return response;
    const location = response.headers.get("location");
    if (location === null) return response;
    await response.body?.cancel();
    if (mode === "error") {
      throw new TypeError(`Cannot fetch "${url.href}": redirected, and redirect is "error"`);
    }
    if (hops >= MAX_REDIRECTS) {
      throw new TypeError(`Cannot fetch "${url.href}": more than ${MAX_REDIRECTS} redirects`);
    }
    spec = redirected(spec, response.status, location);
  }
}
