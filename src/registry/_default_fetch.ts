/**
 * The `fetch` a registry client uses when none is given: the runtime's own, except on Node,
 * where requests without a body (`GET` and `HEAD`: pings, tokens, manifests, blobs) go
 * through `node:http`, which reads a blob for a fraction of `fetch`'s CPU time there and
 * does not compile undici's HTTP parser for a short process (see
 * `src/fs/node_http_fetch.ts`).
 *
 * For an insecure registry, `https:` requests skip certificate checks, as containers/image
 * does: on Node and Deno through `node:https` (Deno's `fetch` cannot skip them per
 * request), on Bun through its `fetch`'s `tls` option. `http:` requests are unchanged.
 *
 * @module
 */
import { type NodeFetch, nodeHttpFetch, nodeTlsFetch } from "../fs/node_http_fetch.ts";
import { nodeBuiltin } from "../host/node_builtin.ts";
import { hostRuntime } from "../wasm/_kernel_choice.ts";
import type { HttpFetch } from "./_http.ts";

const runtimeFetch: HttpFetch = (input, init) => globalThis.fetch(input, init);

/** Whether `init` asks for a download `node:http` serves like `fetch` would. */
function isDownload(init: RequestInit): boolean {
  const method = init.method ?? "GET";
  return (method === "GET" || method === "HEAD") && init.body == null;
}

/** Options of {@linkcode defaultFetch}. */
export interface DefaultFetchOptions {
  /**
   * Whether `https:` requests check the server's certificate. Where the runtime cannot
   * skip the checks (no `node:https`, not Bun), they stay on. @default true
   */
  verifyTls?: boolean;
}

/**
 * The default `fetch` of registry clients on this runtime. On Node, downloads answer with
 * `Response`'s shape, not a `Response` (no undici loaded for them); so do the `https:`
 * requests of an unchecked `fetch` on Node and Deno.
 */
export function defaultFetch(options: DefaultFetchOptions = {}): HttpFetch {
  const plain = plainFetch();
  const unchecked = options.verifyTls === false ? uncheckedFetch() : undefined;
  if (unchecked === undefined) return plain;
  return (input, init) => input.startsWith("https:") ? unchecked(input, init) : plain(input, init);
}

/** What {@linkcode defaultFetch} sends with when certificates are checked. */
function plainFetch(): HttpFetch {
  if (hostRuntime() !== "node" || nodeBuiltin("node:http") === undefined) return runtimeFetch;
  return (input, init) => isDownload(init) ? nodeHttpFetch(input, init) : runtimeFetch(input, init);
}

/** One pool of unchecked connections per process (each client reuses it). */
let uncheckedNode: NodeFetch | undefined;

/** A `fetch` for `https:` requests that checks no certificate, or none on this runtime. */
function uncheckedFetch(): HttpFetch | undefined {
  const runtime = hostRuntime();
  if (runtime === "bun") {
    // Bun's `fetch` takes TLS options per request (and does not hand a connection opened
    // without checks to a request with them).
    const tls = { rejectUnauthorized: false };
    return (input, init) => globalThis.fetch(input, { ...init, tls } as RequestInit);
  }
  if (runtime === "other" || nodeBuiltin("node:https") === undefined) return undefined;
  return uncheckedNode ??= nodeTlsFetch({ verify: false });
}
