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
import type { IncomingMessage } from "node:http";
import { requireNodeBuiltin } from "../host/node_builtin.ts";

/**
 * Sends `request` to the HTTP server listening on the Unix socket `socketPath`: the
 * request's path, query, method, headers, body and signal are used; its host only fills
 * the `Host` header. Connection failures reject with a `TypeError` (as `fetch` does)
 * whose `cause` is the system error; an aborted signal rejects with the signal's reason.
 */
export function unixFetch(socketPath: string, request: Request): Promise<Response> {
  const signal = request.signal;
  if (signal.aborted) return Promise.reject(signal.reason);
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, key) => {
    headers[key] = value;
  });
  headers.host ??= url.host || "localhost";
  return new Promise<Response>((resolve, reject) => {
    let settled = false;
    const httpRequest = requireNodeBuiltin("node:http", "reach a Unix socket").request;
    const client = httpRequest({
      socketPath,
      method: request.method,
      path: `${url.pathname}${url.search}`,
      headers,
    });
    const onAbort = () => {
      client.destroy(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
      if (!settled) {
        settled = true;
        reject(signal.reason);
      }
    };
    signal.addEventListener("abort", onAbort, { once: true });
    client.on("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      if (settled) return;
      settled = true;
      reject(
        new TypeError(`Cannot connect to "${socketPath}": ${error.message}`, { cause: error }),
      );
    });
    client.on("response", (message) => {
      settled = true;
      resolve(
        toResponse(message, request.method, () => signal.removeEventListener("abort", onAbort)),
      );
    });
    sendBody(client, request.body).catch((error) => client.destroy(error));
  });
}

/** A `fetch`-compatible function that sends every request to the Unix socket `socketPath`. */
export function unixSocketFetch(socketPath: string): typeof fetch {
  return ((input: RequestInfo | URL, init?: RequestInit) =>
    unixFetch(socketPath, new Request(input, init))) as typeof fetch;
}

type ClientRequest = import("node:http").ClientRequest;

async function sendBody(
  client: ClientRequest,
  body: ReadableStream<Uint8Array> | null,
): Promise<void> {
  if (body === null) {
    client.end();
    return;
  }
  const reader = body.getReader();
  try {
    while (true) {
      const next = await reader.read();
      if (next.done) break;
      if (client.destroyed) throw new Error("the connection was closed");
      if (!client.write(next.value)) {
        await new Promise<void>((resolve) => {
          const done = () => {
            client.off("drain", done);
            client.off("close", done);
            resolve();
          };
          client.on("drain", done);
          client.on("close", done);
        });
      }
    }
    client.end();
  } catch (error) {
    await reader.cancel(error).catch(() => {});
    throw error;
  }
}

function toResponse(message: IncomingMessage, method: string, done: () => void): Response {
  const headers = new Headers();
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) headers.append(raw[i], raw[i + 1]);
  const status = message.statusCode ?? 500;
  const init = { status, statusText: message.statusMessage ?? "", headers };
  if (status === 204 || status === 304 || method === "HEAD") {
    message.resume();
    done();
    return new Response(null, init);
  }
  let ended = false;
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      message.on("data", (chunk: Uint8Array) => {
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) message.pause();
      });
      message.on("end", () => {
        ended = true;
        done();
        controller.close();
      });
      message.on("error", (error) => {
        done();
        controller.error(error);
      });
      message.on("close", () => {
        if (ended) return;
        done();
        try {
          controller.error(new TypeError("The connection closed before the response ended"));
        } catch {
          // already errored
        }
      });
    },
    pull() {
      message.resume();
    },
    cancel() {
      done();
      message.destroy();
    },
  }, { highWaterMark: 4 });
  return new Response(body, init);
}
