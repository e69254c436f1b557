/**
 * `fetch` over `node:http` and `node:https`, for Node: there, `fetch` (undici) copies each
 * body chunk and passes it through Web streams of its own, which made reading a 173 MiB
 * registry blob cost ~200 ms more CPU (and twice the garbage) than reading it from
 * `node:http` (bench/README.md). Redirects are never followed: a 3xx answer is returned
 * as it is, as `redirect: "manual"` asks (with its `Location` readable).
 *
 * @example
 * ```ts ignore
 * import { nodeHttpFetch } from "./node_http_fetch.ts";
 * const response = await nodeHttpFetch("http://127.0.0.1:5000/v2/", { redirect: "manual" });
 * console.log(response.status);
 * ```
 *
 * @module
 */
import { sendNodeRequest } from "./_node_http.ts";

/**
 * Sends one request with `node:http` (`http:`) or `node:https` (`https:`, the runtime's
 * CA certificates) and the shared keep-alive agents. Connection failures reject with a
 * `TypeError` whose `cause` is the system error (as `fetch` does); an aborted signal
 * rejects with its reason. Bodies are not decoded (no `Accept-Encoding` is sent).
 */
export function nodeHttpFetch(
  input: string | URL | Request,
  init?: RequestInit,
): Promise<Response> {
  let request: Request;
  try {
    request = new Request(input, init);
  } catch (error) {
    return Promise.reject(error);
  }
  const url = new URL(request.url);
  const secure = url.protocol === "https:";
  if (!secure && url.protocol !== "http:") {
    return Promise.reject(new TypeError(`Cannot fetch "${url.href}": not an HTTP(S) URL`));
  }
  // `hostname` keeps IPv6 brackets; node:http wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = url.port === "" ? (secure ? 443 : 80) : Number(url.port);
  return sendNodeRequest(request, { host, port }, url.host, secure);
}
