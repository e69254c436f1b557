/**
 * A loopback HTTP proxy in front of a real registry whose behaviour is scripted per
 * request: pass through, cut the connection part way through the response body, stall
 * part way through it (the connection stays open and silent), never answer, answer
 * an error status (500/503, 429 with `Retry-After`, 413 for a body over a limit), or flip
 * a byte of the body. Every
 * request is logged. The listening side is a raw `node:net` server (one request per
 * connection, answered with `Connection: close`) so that a cut is a real half-sent body on
 * Deno, Node and Bun alike; the upstream side uses `fetch`.
 *
 * @module
 */
import { createServer, type Server, type Socket } from "node:net";
import { concatBytes } from "../../src/streams/mod.ts";

/** What the proxy does with one request. */
export type FaultAction =
  | { type: "pass" }
  /**
   * Sends the status line, the headers (with the full `Content-Length`) and only part of
   * the body, then closes the connection: `after` bytes, or `fraction` of the body.
   */
  | { type: "cut"; after?: number; fraction?: number }
  /**
   * Sends the status line, the headers (with the full `Content-Length`) and only part of
   * the body (`after` bytes, or `fraction` of it), then sends nothing more and keeps the
   * connection open until the client closes it or the proxy is closed.
   */
  | { type: "stall"; after?: number; fraction?: number }
  /** Reads the request and never answers (not even the status line). */
  | { type: "hang" }
  /** Answers `status` without asking upstream; `retryAfter` becomes `Retry-After`. */
  | { type: "status"; status: number; retryAfter?: string }
  /** Passes the answer through with one byte flipped (at `offset`, default the middle). */
  | { type: "corrupt"; offset?: number };

/** A request as the script sees it. */
export interface ProxiedRequest {
  /** 0 for the first request the proxy received, then 1, 2, … */
  seq: number;
  /** The HTTP method. */
  method: string;
  /** The path with the query string. */
  path: string;
  /** The request headers, names in lower case. */
  headers: Record<string, string>;
  /** The length of the request body the client sent. */
  requestBodyLength: number;
}

/** One line of the proxy's log. */
export interface ProxyLogEntry extends ProxiedRequest {
  /** What the script decided. */
  action: FaultAction;
  /** The status sent to the client (0 when upstream could not be reached). */
  status: number;
  /** The length of the full body upstream sent (or the proxy made up). */
  bodyLength: number;
  /** How many body bytes the client was sent. */
  bodySent: number;
}

/** Decides what happens to a request. */
export type FaultScript = (request: ProxiedRequest) => FaultAction;

/** A running proxy. */
export interface FaultProxy {
  /** `127.0.0.1:PORT`, as a registry host name. */
  host: string;
  /** `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request handled so far, in arrival order. */
  readonly log: ProxyLogEntry[];
  /** The current script; replace it at any time. @default pass everything */
  script: FaultScript;
  /** How many logged requests match `filter` (all without one). */
  count(filter?: (entry: ProxyLogEntry) => boolean): number;
  /** Empties the log (the request numbering goes on). */
  clearLog(): void;
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/** Options of {@linkcode startFaultProxy}. */
export interface FaultProxyOptions {
  /** The initial script. @default pass everything */
  script?: FaultScript;
}

/** How long a cut connection stays open after its partial body was written. */
const CUT_LINGER_MS = 30;

const PASS: FaultAction = { type: "pass" };
const encoder = new TextEncoder();
const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "transfer-encoding",
  "content-length",
  "content-encoding",
  "host",
  "te",
  "upgrade",
  "proxy-connection",
  "trailer",
]);
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  206: "Partial Content",
  307: "Temporary Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  413: "Content Too Large",
  416: "Range Not Satisfiable",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

/** A deterministic pseudo-random generator (mulberry32) giving numbers in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The digest of a `GET /v2/<repo>/blobs/<digest>` request, else `undefined`. */
export function blobGetDigest(request: ProxiedRequest): string | undefined {
  if (request.method !== "GET") return undefined;
  const match = /^\/v2\/.+\/blobs\/([a-z0-9]+:[a-f0-9]+)(?:\?|$)/.exec(request.path);
  return match?.[1];
}

/** A parsed request head plus its body. */
interface RawRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

function indexOfSequence(haystack: Uint8Array, needle: number[], from = 0): number {
  outer: for (let i = from; i <= haystack.length - needle.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return i;
  }
  return -1;
}

const CRLF = [13, 10];
const HEAD_END = [13, 10, 13, 10];
const decoder = new TextDecoder();

/** Decodes a complete chunked body from `data`, or `undefined` when more is needed. */
function dechunk(data: Uint8Array): Uint8Array | undefined {
  const parts: Uint8Array[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = indexOfSequence(data, CRLF, at);
    if (lineEnd < 0) return undefined;
    const size = parseInt(decoder.decode(data.subarray(at, lineEnd)).split(";")[0], 16);
    if (!Number.isFinite(size)) throw new Error("bad chunk size");
    at = lineEnd + 2;
    if (size === 0) {
      // Trailers (usually none) end with an empty line.
      const end = indexOfSequence(data, CRLF, at);
      return end < 0 ? undefined : concatBytes(parts);
    }
    if (data.length < at + size + 2) return undefined;
    parts.push(data.subarray(at, at + size));
    at += size + 2;
  }
}

/** Tries to parse one full request out of `data`. */
function parseRequest(data: Uint8Array): RawRequest | undefined {
  const headEnd = indexOfSequence(data, HEAD_END);
  if (headEnd < 0) return undefined;
  const lines = decoder.decode(data.subarray(0, headEnd)).split("\r\n");
  const [method, path] = lines[0].split(" ");
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
  }
  const rest = data.subarray(headEnd + 4);
  let body: Uint8Array | undefined;
  if ((headers["transfer-encoding"] ?? "").toLowerCase().includes("chunked")) {
    body = dechunk(rest);
  } else {
    const length = Number(headers["content-length"] ?? "0");
    body = rest.length >= length ? rest.subarray(0, length) : undefined;
  }
  return body === undefined ? undefined : { method, path, headers, body };
}

function head(status: number, headers: [string, string][], length: number): Uint8Array {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}`];
  for (const [name, value] of headers) lines.push(`${name}: ${value}`);
  lines.push(`Content-Length: ${length}`, "Connection: close", "", "");
  return encoder.encode(lines.join("\r\n"));
}

/** Starts a proxy on 127.0.0.1 forwarding to `upstream` (`http://host:port`). */
export async function startFaultProxy(
  upstream: string,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const origin = new URL(upstream).origin;
  const log: ProxyLogEntry[] = [];
  const sockets = new Set<Socket>();
  let seq = 0;
  let selfOrigin = "";

  const proxy: FaultProxy = {
    host: "",
    url: "",
    log,
    script: options.script ?? (() => PASS),
    count: (filter) => filter ? log.filter(filter).length : log.length,
    clearLog: () => {
      log.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };

  const answer = async (socket: Socket, raw: RawRequest) => {
    const request: ProxiedRequest = {
      seq: seq++,
      method: raw.method,
      path: raw.path,
      headers: raw.headers,
      requestBodyLength: raw.body.length,
    };
    let action: FaultAction;
    try {
      action = proxy.script(request) ?? PASS;
    } catch {
      action = PASS;
    }
    const entry: ProxyLogEntry = { ...request, action, status: 0, bodyLength: 0, bodySent: 0 };
    log.push(entry);

    if (action.type === "hang") return;
    if (action.type === "status") {
      const body = encoder.encode(
        JSON.stringify({ errors: [{ code: "UNAVAILABLE", message: "injected fault" }] }),
      );
      const headers: [string, string][] = [["Content-Type", "application/json"]];
      if (action.retryAfter !== undefined) headers.push(["Retry-After", action.retryAfter]);
      entry.status = action.status;
      entry.bodyLength = body.length;
      entry.bodySent = raw.method === "HEAD" ? 0 : body.length;
      socket.end(
        concatBytes([
          head(action.status, headers, body.length),
          ...(raw.method === "HEAD" ? [] : [body]),
        ]),
      );
      return;
    }

    const forward = new Headers();
    for (const [name, value] of Object.entries(raw.headers)) {
      if (!HOP_BY_HOP.has(name)) forward.set(name, value);
    }
    let response: Response;
    try {
      response = await fetch(origin + raw.path, {
        method: raw.method,
        headers: forward,
        body: raw.method === "GET" || raw.method === "HEAD"
          ? undefined
          : raw.body as Uint8Array<ArrayBuffer>,
        redirect: "manual",
      });
    } catch {
      socket.destroy();
      return;
    }
    const body = raw.method === "HEAD"
      ? new Uint8Array(0)
      : new Uint8Array(await response.arrayBuffer());
    const headers: [string, string][] = [];
    let declared = body.length;
    response.headers.forEach((value, name) => {
      if (raw.method === "HEAD" && name === "content-length") declared = Number(value);
      if (HOP_BY_HOP.has(name)) return;
      headers.push([name, name === "location" ? value.replace(origin, selfOrigin) : value]);
    });
    entry.status = response.status;
    entry.bodyLength = body.length;
    let sent = body;
    if (action.type === "corrupt" && body.length > 0) {
      sent = body.slice();
      const at = Math.min(body.length - 1, Math.max(0, action.offset ?? (body.length >> 1)));
      sent[at] ^= 0xff;
    } else if (action.type === "cut" || action.type === "stall") {
      const upTo = action.after ?? Math.floor((action.fraction ?? 0.5) * body.length);
      sent = body.subarray(0, Math.max(0, Math.min(body.length - 1, upTo)));
    }
    entry.bodySent = sent.length;
    const bytes = concatBytes([head(response.status, headers, declared), sent]);
    if (action.type === "stall") return void socket.write(bytes);
    if (action.type !== "cut") return void socket.end(bytes);
    // Let the partial body arrive and be read before the connection drops, as when a
    // network fails mid-transfer (a close right behind the data may make a client drop
    // what it had buffered).
    socket.write(bytes, () => setTimeout(() => socket.destroy(), CUT_LINGER_MS));
  };

  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    let buffered: Uint8Array = new Uint8Array(0);
    let handled = false;
    socket.on("data", (chunk: Uint8Array) => {
      if (handled) return;
      buffered = concatBytes([buffered, new Uint8Array(chunk)]);
      // A TLS handshake (a client probing https first) is refused like a plain-HTTP server.
      if (buffered[0] === 0x16) {
        socket.destroy();
        return;
      }
      let raw: RawRequest | undefined;
      try {
        raw = parseRequest(buffered);
      } catch {
        socket.destroy();
        return;
      }
      if (raw === undefined) return;
      handled = true;
      answer(socket, raw).catch(() => socket.destroy());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  proxy.host = `127.0.0.1:${port}`;
  proxy.url = selfOrigin = `http://127.0.0.1:${port}`;
  return proxy;
}
