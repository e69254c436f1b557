/**
 * The `fetch` a registry client uses when none is given: the runtime's own, except on Node,
 * where requests without a body (`GET` and `HEAD`: pings, tokens, manifests, blobs) go
 * through `node:http`, which reads a blob for a fraction of `fetch`'s CPU time there and
 * does not compile undici's HTTP parser for a short process (see
 * `src/fs/node_http_fetch.ts`).
 *
 * For an insecure registry, `https:` requests skip certificate checks, as containers/image
 * does; a registry's own CA certificates and client certificate (certs.d) are used the
 * same way: on Node and Deno through `node:https` (Deno's `fetch` takes no TLS options
 * per request), on Bun through its `fetch`'s `tls` option. `http:` requests are unchanged.
 *
 * @module
 */
import {
  type NodeFetch,
  nodeHttpFetch,
  nodeTlsFetch,
  type NodeTlsOptions,
} from "../fs/node_http_fetch.ts";
import { nodeBuiltin } from "../host/node_builtin.ts";
import { hostRuntime } from "../wasm/_kernel_choice.ts";
import type { RegistryTls } from "../config/certs_dir.ts";
import type { RegistryTlsSource } from "./types.ts";
import type { HttpFetch } from "./_http.ts";

const runtimeFetch: HttpFetch = (input, init) => globalThis.fetch(input, init);

/** Whether `init` asks for a download `node:http` serves like `fetch` would. */
function isDownload(init: RequestInit): boolean {
  const method = init.method ?? "GET";
  return (method === "GET" || method === "HEAD") && init.body == null;
}

/**
 * Options of {@linkcode defaultFetch}: how `https:` requests are made (a registry's CA
 * certificates and client certificate, see {@linkcode RegistryTls}).
 */
export interface DefaultFetchOptions extends RegistryTls {
  /**
   * Whether `https:` requests check the server's certificate. Where the runtime cannot
   * skip the checks (no `node:https`, not Bun), they stay on. @default true
   */
  verifyTls?: boolean;
}

/**
 * The default `fetch` of registry clients on this runtime. On Node, downloads answer with
 * `Response`'s shape, not a `Response` (no undici loaded for them); so do the `https:`
 * requests with TLS options on Node and Deno.
 */
export function defaultFetch(options: DefaultFetchOptions = {}): HttpFetch {
  const plain = plainFetch();
  if (!hasTlsOptions(options)) return plain;
  // Made on the first `https:` request: an insecure registry that speaks plain HTTP never
  // needs it, and `node:https` costs Deno ~8 ms to load.
  let https: HttpFetch | undefined;
  return (input, init) => {
    if (!input.startsWith("https:")) return plain(input, init);
    https ??= httpsFetch(options) ?? plain;
    return https(input, init);
  };
}

/** Whether `options` change how `https:` requests are made. */
function hasTlsOptions(options: DefaultFetchOptions): boolean {
  return options.verifyTls === false || (options.ca ?? []).length > 0 ||
    (options.cert !== undefined && options.key !== undefined);
}

/** What {@linkcode defaultFetch} sends with when no TLS option is given. */
function plainFetch(): HttpFetch {
  if (hostRuntime() !== "node" || nodeBuiltin("node:http") === undefined) return runtimeFetch;
  return (input, init) => isDownload(init) ? nodeHttpFetch(input, init) : runtimeFetch(input, init);
}

/** One pool of connections per set of TLS options, for the whole process. */
const pools = new Map<string, NodeFetch>();

/**
 * A `fetch` for `https:` requests with `options`, or `undefined` for the defaults (and
 * where the runtime takes no TLS options).
 */
function httpsFetch(options: DefaultFetchOptions): HttpFetch | undefined {
  const verify = options.verifyTls !== false;
  const ca = options.ca ?? [];
  const client = options.cert !== undefined && options.key !== undefined
    ? { cert: options.cert, key: options.key }
    : {};
  if (!hasTlsOptions(options)) return undefined;
  const runtime = hostRuntime();
  if (runtime === "bun") {
    // Bun's `fetch` takes TLS options per request (and does not hand a connection opened
    // with some to a request with others). `ca` replaces its CAs: keep them.
    const roots = ca.length > 0 ? nodeBuiltin("node:tls")?.rootCertificates ?? [] : [];
    const tls = verify
      ? { ...client, ...(ca.length > 0 ? { ca: [...roots, ...ca] } : {}) }
      : { ...client, rejectUnauthorized: false };
    return (input, init) => globalThis.fetch(input, { ...init, tls } as RequestInit);
  }
  if (runtime === "other" || nodeBuiltin("node:https") === undefined) return undefined;
  const tls: NodeTlsOptions = verify ? { ca, ...client } : { verify, ...client };
  const key = JSON.stringify([tls.verify, tls.ca, tls.cert, tls.key]);
  let pool = pools.get(key);
  if (pool === undefined) pools.set(key, pool = nodeTlsFetch(tls));
  return pool;
}

/**
 * The default `fetch` for requests to `registry`: without certificate checks when
 * `insecure`, with its TLS files from `tls` (a function is asked once, on the first
 * request; an object applies as it is).
 */
export function registryDefaultFetch(
  registry: string,
  options: { insecure?: boolean; tls?: RegistryTlsSource },
): HttpFetch {
  const verifyTls = options.insecure !== true;
  const tls = options.tls;
  if (tls === undefined) return defaultFetch({ verifyTls });
  let chosen: Promise<HttpFetch> | undefined;
  const choose = async () => {
    const found = typeof tls === "function" ? await tls(registry) : tls;
    return defaultFetch({ ...found, verifyTls });
  };
  return async (input, init) => (await (chosen ??= choose()))(input, init);
}
