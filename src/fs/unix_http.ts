/**
 * HTTP/1.1 over a Unix domain socket (the Docker Engine API's usual endpoint), with
 * streaming request and response bodies, behind `fetch`'s `Request`/`Response` types.
 * Built on `node:http`, which Deno, Bun and Node all provide (looked up per request).
 *
 * @example
 * ```ts ignore
 * import { unixFetch } from "./unix_http.ts";
 * const response = await unixFetch("/var/run/docker.sock", new Request("http://docker/_ping"));
 * console.log(response.status, await response.text()); // 200 "OK"
 * ```
 *
 * @module
 */
import { requestSpec, sendNodeRequest } from "./_node_http.ts";
import { toFetchResponse } from "./_node_response.ts";

/**
 * Sends `request` to the HTTP server listening on the Unix socket `socketPath`: the
 * request's path, query, method, headers, body and signal are used; its host only fills
 * the `Host` header. Connection failures reject with a `TypeError` (as `fetch` does)
 * whose `cause` is the system error; an aborted signal rejects with the signal's reason.
 */
export async function unixFetch(socketPath: string, request: Request): Promise<Response> {
  return toFetchResponse(await sendNodeRequest(requestSpec(request), { socketPath }, socketPath));
}

/** A `fetch`-compatible function that sends every request to the Unix socket `socketPath`. */
export function unixSocketFetch(socketPath: string): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    unixFetch(socketPath, new Request(input, init))) as typeof fetch;
}
