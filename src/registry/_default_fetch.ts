/**
 * The `fetch` a registry client uses when none is given: the runtime's own, except on Node,
 * where requests without a body (`GET` and `HEAD`: pings, tokens, manifests, blobs) go
 * through `node:http`, which reads a blob for a fraction of `fetch`'s CPU time there and
 * does not compile undici's HTTP parser for a short process (see
 * `src/fs/node_http_fetch.ts`).
 *
 * @module
 */
import { nodeHttpFetch } from "../fs/node_http_fetch.ts";
import { nodeBuiltin } from "../host/node_builtin.ts";
import { hostRuntime } from "../wasm/_kernel_choice.ts";
import type { HttpFetch } from "./_http.ts";

const runtimeFetch: HttpFetch = (input, init) => globalThis.fetch(input, init);

/** Whether `init` asks for a download `node:http` serves like `fetch` would. */
function isDownload(init: RequestInit): boolean {
  const method = init.method ?? "GET";
  return (method === "GET" || method === "HEAD") && init.body == null;
}

/**
 * The default `fetch` of registry clients on this runtime. On Node, downloads answer with
 * `Response`'s shape, not a `Response` (no undici loaded for them).
 */
export function defaultFetch(): HttpFetch {
  if (hostRuntime() !== "node" || nodeBuiltin("node:http") === undefined) return runtimeFetch;
  return (input, init) => isDownload(init) ? nodeHttpFetch(input, init) : runtimeFetch(input, init);
}
