/**
 * One HTTP/1.1 exchange over `node:http` (or `node:https`), with streaming bodies both
 * ways, answered in `fetch`'s shape ({@linkcode NodeResponse}): the core of the
 * Unix-socket client and of the plain-TCP one.
 *
 * @module
 */
import type { ClientRequest, IncomingMessage, RequestOptions } from "node:http";
import { requireNodeBuiltin } from "../host/node_builtin.ts";
import { connectionFailed, NodeHeaders, NodeResponse, responseCutShort } from "./_node_response.ts";

/**
 * What one exchange sends: `fetch`'s request, without the `Request` object (whose
 * construction costs more than a small exchange on Node).
 */
export interface NodeRequestSpec {
  /** The method, as sent. */
  method: string;
  /** Where: the path and query are sent; the host fills the `Host` header if none is set. */
  url: URL;
  /** The request headers, by lower-case name. */
  headers: Record<string, string>;
  /** The body, or null. */
  body: ReadableStream<Uint8Array> | null;
  /** Aborts the exchange (before or during the response). */
  signal?: AbortSignal;
}

/** The {@linkcode NodeRequestSpec} of a `Request`. */
export function requestSpec(request: Request): NodeRequestSpec {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name] = value;
  });
  return {
    method: request.method,
    url: new URL(request.url),
    headers,
    body: request.body,
    signal: request.signal,
  };
}

/**
 * Sends `spec` with `options` (where to connect). Connection failures reject with a
 * `TypeError` (as `fetch` does) naming `target`, whose `cause` is the system error; an
 * aborted signal rejects with the signal's reason and drops the connection.
 */
export function sendNodeRequest(
  spec: NodeRequestSpec,
  options: RequestOptions,
  target: string,
  secure = false,
): Promise<NodeResponse> {
  const { signal, url } = spec;
  if (signal?.aborted) return Promise.reject(signal.reason);
  const headers = { ...spec.headers };
  headers.host ??= url.host || "localhost";
  return new Promise<NodeResponse>((resolve, reject) => {
    let settled = false;
    const send = secure
      ? requireNodeBuiltin("node:https", "send an HTTPS request").request
      : requireNodeBuiltin("node:http", "send an HTTP request").request;
    const client = send({
      ...options,
      method: spec.method,
      path: `${url.pathname}${url.search}`,
      headers,
    });
    const onAbort = () => {
      client.destroy(signal!.reason instanceof Error ? signal!.reason : new Error("aborted"));
      if (!settled) {
        settled = true;
        reject(signal!.reason);
      }
    };
    const unlisten = () => signal?.removeEventListener("abort", onAbort);
    signal?.addEventListener("abort", onAbort, { once: true });
    client.on("error", (error) => {
      unlisten();
      if (settled) return;
      settled = true;
      reject(connectionFailed(target, error));
    });
    client.on("response", (message) => {
      settled = true;
      resolve(toResponse(message, spec.method, unlisten));
    });
    sendBody(client, spec.body).catch((error) => client.destroy(error));
  });
}

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

/**
 * The answer of `message`: its body is a stream of the chunks as they arrive (no copy),
 * read on demand; a connection that closes before the end errors it with a `TypeError`.
 */
function toResponse(message: IncomingMessage, method: string, done: () => void): NodeResponse {
  const headers = new NodeHeaders(message.rawHeaders);
  const status = message.statusCode ?? 500;
  const statusText = message.statusMessage ?? "";
  if (status === 204 || status === 304 || method === "HEAD") {
    message.resume();
    done();
    return new NodeResponse(status, statusText, headers, null);
  }
  // "open" until the body ends, fails or is cancelled: Deno's `node:http` may still emit
  // data (and then end) after the body was cancelled and the message destroyed.
  let state: "open" | "ended" | "failed" = "open";
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      message.on("data", (chunk: Uint8Array) => {
        if (state !== "open") return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) message.pause();
      });
      message.on("end", () => {
        if (state !== "open") return;
        state = "ended";
        done();
        controller.close();
      });
      message.on("error", (error) => {
        if (state !== "open") return;
        state = "failed";
        done();
        controller.error(error);
      });
      message.on("close", () => {
        if (state !== "open") return;
        state = "failed";
        done();
        controller.error(responseCutShort());
      });
    },
    pull() {
      message.resume();
    },
    cancel() {
      state = "failed";
      done();
      message.destroy();
    },
  }, { highWaterMark: 4 });
  return new NodeResponse(status, statusText, headers, body);
}
