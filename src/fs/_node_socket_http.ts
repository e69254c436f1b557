/**
 * Bodiless HTTP/1.1 requests (`GET`, `HEAD`: pings, tokens, manifests, blobs) over raw
 * `node:net` and `node:tls` sockets that read into buffers of this module (`onread`), for
 * Node. There, `node:http` allocates a fresh buffer for every socket read and its parser
 * copies every body chunk into another one: for a 173 MiB blob ~110 ms of CPU and 350 MiB
 * of short-lived memory the collector then chases. Here a read lands in a pooled piece
 * that is handed on as it is, as the body's chunk, and comes back (`releasePiece`) once
 * the store wrote it. Connections are kept alive per pool, as `node:http`'s agents do.
 *
 * @module
 */
import type { Socket } from "node:net";
import type { ConnectionOptions } from "node:tls";
import { requireNodeBuiltin } from "../host/node_builtin.ts";
import { lendPiece } from "../streams/lent_pieces.ts";
import { hostRuntime } from "../wasm/_kernel_choice.ts";
import {
  ChunkedDecoder,
  headEnd,
  Http1Error,
  type Http1Head,
  HTTP_TOKEN,
  MAX_HEAD_BYTES,
  parseHead,
} from "./_http1_head.ts";
import type { NodeRequestSpec } from "./_node_http.ts";
import { connectionFailed, NodeHeaders, NodeResponse, responseCutShort } from "./_node_response.ts";

/** The size of the buffers sockets read into. */
const READ_BYTES = 256 * 1024;

/** How many read buffers are kept for later reads (4 MiB). */
const SPARE_READS = 16;

/** How long an idle connection is kept open (as Node's global agent: 5 s). */
const IDLE_MS = 5000;

/** How many idle connections a pool keeps per origin. */
const IDLE_PER_ORIGIN = 8;

/** Read buffers given back, for later reads of any connection. */
const spareReads: Uint8Array[] = [];

/** A buffer for the next read: a spare one if there is one. */
function takeRead(): Uint8Array {
  return spareReads.pop() ?? new Uint8Array(READ_BYTES);
}

/** Keeps `piece` (a whole read buffer no chunk uses any more) for a later read. */
function giveRead(piece: Uint8Array): void {
  if (spareReads.length < SPARE_READS) spareReads.push(piece);
}

/** Whether this runtime is Node (whose sockets read into a caller's buffers). */
export function socketHttpAvailable(): boolean {
  return hostRuntime() === "node";
}

/** What a connection's reads go to while it carries an exchange. */
interface Exchange {
  /** Bytes read into `buffer` (a view of it); `false` pauses reading. */
  data(bytes: Uint8Array, buffer: Uint8Array): boolean;
  /** The connection ended or failed. */
  closed(error: Error | undefined): void;
}

/** A socket with the exchange its reads go to. */
interface Connection {
  socket: Socket;
  /** The pool key it is kept under while idle. */
  key: string;
  exchange: Exchange | undefined;
  /** The buffer the socket reads into next. */
  buffer: Uint8Array;
}

/**
 * A keep-alive pool of connections: one per `fetch` with TLS options of its own, so that
 * a connection opened without certificate checks never carries another's request.
 */
export class SocketPool {
  readonly #idle = new Map<string, Connection[]>();
  readonly #tls: ConnectionOptions;

  /** A pool whose `https:` connections use `tls` (`node:tls` options). */
  constructor(tls: ConnectionOptions = {}) {
    this.#tls = tls;
  }

  /**
   * Sends `spec` (no body) to `host`:`port` and answers in `fetch`'s shape. Connection
   * failures reject with a `TypeError` naming `target` (as `fetch`), whose `cause` is the
   * system error; an aborted signal rejects with its reason and drops the connection.
   */
  send(
    spec: NodeRequestSpec,
    where: { host: string; port: number },
    target: string,
    secure: boolean,
  ): Promise<NodeResponse> {
    const { signal } = spec;
    if (signal?.aborted) return Promise.reject(signal.reason);
    let head: string;
    try {
      head = requestHead(spec);
    } catch (error) {
      return Promise.reject(error);
    }
    const key = `${secure ? "s" : "p"}|${where.host}|${where.port}`;
    const attempt = (connection: Connection, reused: boolean) =>
      exchange(connection, spec, head, target, reused, (reusable) => {
        if (reusable) this.#keep(connection);
      });
    const kept = this.#take(key);
    if (kept === undefined) return attempt(this.#open(key, where, secure), false);
    return attempt(kept, true).catch((error) => {
      if (!(error instanceof StaleConnection)) throw error;
      return attempt(this.#open(key, where, secure), false);
    });
  }

  #take(key: string): Connection | undefined {
    const list = this.#idle.get(key);
    for (let connection = list?.pop(); connection !== undefined; connection = list?.pop()) {
      const socket = connection.socket;
      if (socket.destroyed || socket.readableEnded || !socket.writable) continue;
      socket.ref();
      socket.setTimeout(0);
      return connection;
    }
    return undefined;
  }

  #keep(connection: Connection): void {
    const socket = connection.socket;
    let list = this.#idle.get(connection.key);
    if (list === undefined) this.#idle.set(connection.key, list = []);
    if (list.length >= IDLE_PER_ORIGIN || socket.destroyed) {
      socket.destroy();
      return;
    }
    list.push(connection);
    // An idle connection keeps no process alive and is closed after a while (and when
    // the server sends anything while it is idle: see `#open`).
    socket.unref();
    socket.setTimeout(IDLE_MS);
  }

  #drop(connection: Connection): void {
    const list = this.#idle.get(connection.key);
    const at = list?.indexOf(connection) ?? -1;
    if (at >= 0) list!.splice(at, 1);
  }

  #open(key: string, where: { host: string; port: number }, secure: boolean): Connection {
    const connection: Connection = {
      socket: undefined!,
      key,
      exchange: undefined,
      buffer: takeRead(),
    };
    const onread = {
      buffer: () => connection.buffer,
      callback: (length: number, buffer: Uint8Array): boolean => {
        // The piece is the exchange's now; the next read goes into another.
        connection.buffer = takeRead();
        const current = connection.exchange;
        if (current === undefined) {
          connection.socket.destroy();
          return false;
        }
        return current.data(buffer.subarray(0, length), buffer);
      },
    };
    const options = { host: where.host, port: where.port, onread };
    const socket = secure
      ? requireNodeBuiltin("node:tls", "send an HTTPS request").connect({
        ...this.#tls,
        ...options,
        ...(isIpAddress(where.host) ? {} : { servername: where.host }),
      })
      : requireNodeBuiltin("node:net", "send an HTTP request").connect(options);
    socket.setNoDelay(true);
    connection.socket = socket;
    const closed = (error: Error | undefined) => {
      const current = connection.exchange;
      connection.exchange = undefined;
      current?.closed(error);
    };
    socket.on("error", (error) => closed(error));
    socket.on("end", () => {
      closed(undefined);
      socket.destroy();
    });
    socket.on("close", () => {
      closed(undefined);
      this.#drop(connection);
    });
    socket.on("timeout", () => {
      if (connection.exchange === undefined) socket.destroy();
    });
    return connection;
  }
}

function isIpAddress(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(":");
}

/** The request line and header fields of `spec`, refusing any that could split them. */
function requestHead(spec: NodeRequestSpec): string {
  if (!HTTP_TOKEN.test(spec.method)) throw new TypeError(`Invalid method "${spec.method}"`);
  const headers = { ...spec.headers };
  headers.host ??= spec.url.host || "localhost";
  let head = `${spec.method} ${spec.url.pathname}${spec.url.search} HTTP/1.1\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (!HTTP_TOKEN.test(name) || /[\r\n\0]/.test(value)) {
      throw new TypeError(`Invalid header "${name}"`);
    }
    head += `${name}: ${value}\r\n`;
  }
  return `${head}\r\n`;
}

/**
 * One exchange on `connection`: writes the head, reads the response head, then the body
 * as a stream of the read pieces (lent: see `releasePiece`). `done(reusable)` runs once
 * the connection is free again: reusable when the body was read to its end, nothing
 * followed it and the server keeps the connection open; a connection that is not is
 * destroyed before.
 */
function exchange(
  connection: Connection,
  spec: NodeRequestSpec,
  head: string,
  target: string,
  reused: boolean,
  done: (reusable: boolean) => void,
): Promise<NodeResponse> {
  const { signal, method } = spec;
  const socket = connection.socket;
  return new Promise<NodeResponse>((resolve, reject) => {
    const pendingHead = new HeadBytes();
    let received = false;
    let parsed: Http1Head | undefined;
    let finished = false;
    const body = bodyState();
    /** Ends the exchange; before the head came, rejects with `failure`. */
    const finish = (reusable: boolean, failure?: unknown) => {
      if (finished) return;
      finished = true;
      signal?.removeEventListener("abort", onAbort);
      connection.exchange = undefined;
      if (!reusable) socket.destroy();
      done(reusable);
      if (parsed === undefined) reject(failure);
      else if (failure !== undefined) body.fail(failure);
    };
    const onAbort = () => finish(false, signal!.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    let informational = 0;
    /** Reads the head from `bytes`; what follows it, or undefined until it is whole. */
    const readHead = (bytes: Uint8Array): Uint8Array | undefined => {
      let all = pendingHead.append(bytes);
      for (let from = pendingHead.searchFrom;;) {
        const end = headEnd(all, from);
        if (end < 0) {
          if (all.length > MAX_HEAD_BYTES) throw new Http1Error("the head is too large");
          pendingHead.keep(all);
          return undefined;
        }
        const next = parseHead(all.subarray(0, end), method);
        all = all.subarray(end);
        from = 0;
        // Informational answers (100, 103) come before the real one.
        if (next.status < 200) {
          if (++informational > MAX_INFORMATIONAL) {
            throw new Http1Error("too many informational responses");
          }
          continue;
        }
        pendingHead.clear();
        parsed = next;
        const bodiless = method === "HEAD" || next.status === 204 || next.status === 304;
        resolve(
          new NodeResponse(
            next.status,
            next.statusText,
            new NodeHeaders(next.rawHeaders),
            bodiless ? null : body.stream,
          ),
        );
        return all;
      }
    };
    let left = 0;
    const chunked = new ChunkedDecoder();
    connection.exchange = {
      data(bytes, buffer) {
        if (finished) return false;
        try {
          received = true;
          let rest: Uint8Array | undefined = bytes;
          if (parsed === undefined) {
            rest = readHead(bytes);
            if (rest === undefined) return keepBuffer(buffer, false);
            if (typeof parsed!.framing === "object") left = parsed!.framing.length;
          }
          // A read that is all body is handed on as it is, lent (the buffer is ours); a
          // small part of one is copied, so that the buffer serves another read.
          let kept = false;
          const hand = (view: Uint8Array) => {
            if (view === bytes) {
              kept = true;
              body.push(view, buffer);
            } else if (view.length <= COPY_BELOW) {
              body.push(view.slice(), undefined);
            } else {
              kept = true;
              body.push(view, undefined);
            }
          };
          const { framing, keepAlive } = parsed!;
          if (framing === "close") {
            if (rest.length > 0) hand(rest);
          } else if (framing === "chunked") {
            const used = chunked.feed(rest, hand);
            if (chunked.done) {
              body.end();
              finish(used === rest.length && keepAlive);
              // A kept connection reads on while idle: an end or stray bytes close it.
              return keepBuffer(buffer, kept, !socket.destroyed);
            }
          } else {
            const n = Math.min(left, rest.length);
            if (n > 0) hand(n === rest.length ? rest : rest.subarray(0, n));
            left -= n;
            if (left === 0) {
              body.end();
              finish(n === rest.length && keepAlive);
              return keepBuffer(buffer, kept, !socket.destroyed);
            }
          }
          return keepBuffer(buffer, kept, body.wantsMore(() => socket.resume()));
        } catch (error) {
          finish(false, error);
          return false;
        }
      },
      closed(error) {
        // A kept connection the server closed before it saw this request: try a new one.
        if (parsed === undefined && reused && !received) {
          return finish(false, new StaleConnection());
        }
        if (parsed === undefined) return finish(false, connectionFailed(target, error));
        if (parsed.framing === "close" && error === undefined) {
          body.end();
          return finish(false);
        }
        finish(false, responseCutShort(error));
      },
    };
    body.onCancel(() => finish(false));
    // A socket still connecting keeps what is written until it can send it.
    socket.write(head);
    // Reads paused by a previous exchange's backpressure start again.
    socket.resume();
  });
}

/** A kept connection closed before any answer: the request is sent again on a new one. */
class StaleConnection extends Error {}

/** Body parts at most this long are copied out of a read buffer, which is then reused. */
const COPY_BELOW = 64 * 1024;

/**
 * Gives `buffer` back for later reads unless a chunk handed on still uses it (`kept`);
 * returns `more` (whether the socket reads on).
 */
function keepBuffer(buffer: Uint8Array, kept: boolean, more = true): boolean {
  if (!kept) giveRead(buffer);
  return more;
}

/** How many informational answers (1xx) may come before the response. */
const MAX_INFORMATIONAL = 16;

/**
 * The bytes of a head that came in several reads, gathered in one buffer that grows by
 * doubling (a server sending its head a byte at a time costs no more than one copy of it).
 */
class HeadBytes {
  #buffer = new Uint8Array(0);
  #length = 0;

  /** Where a search for the head's end may start in the bytes `append` returns. */
  get searchFrom(): number {
    return Math.max(0, this.#length - 3);
  }

  /** The kept bytes followed by `bytes` (`bytes` itself when none are kept). */
  append(bytes: Uint8Array): Uint8Array {
    if (this.#length === 0) return bytes;
    const needed = this.#length + bytes.length;
    if (needed > this.#buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.#buffer.length * 2));
      grown.set(this.#buffer.subarray(0, this.#length));
      this.#buffer = grown;
    }
    this.#buffer.set(bytes, this.#length);
    return this.#buffer.subarray(0, needed);
  }

  /** Keeps `all` (what `append` returned, or a part of it) for the next read. */
  keep(all: Uint8Array): void {
    if (all.buffer === this.#buffer.buffer && all.byteOffset === 0) {
      this.#length = all.length;
      return;
    }
    const copy = new Uint8Array(Math.max(all.length * 2, 1024));
    copy.set(all);
    this.#buffer = copy;
    this.#length = all.length;
  }

  /** Drops what was kept. */
  clear(): void {
    this.#buffer = new Uint8Array(0);
    this.#length = 0;
  }
}

/** A response body fed by a connection's reads, with backpressure. */
function bodyState() {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let state: "open" | "ended" | "failed" = "open";
  let resume: (() => void) | undefined;
  let cancelled: (() => void) | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull() {
      const wake = resume;
      resume = undefined;
      wake?.();
    },
    cancel() {
      state = "failed";
      cancelled?.();
    },
  }, { highWaterMark: 2 });
  return {
    stream,
    /** Hands `bytes` on; lent when they fill a whole read of `buffer` (the piece is ours). */
    push(bytes: Uint8Array, buffer: Uint8Array | undefined) {
      if (state !== "open") return;
      if (buffer !== undefined) {
        lendPiece(bytes, () => giveRead(buffer));
        controller.enqueue(bytes);
      } else {
        controller.enqueue(bytes);
      }
    },
    /** Whether to read on; if not, `wake` runs when the reader wants more. */
    wantsMore(wake: () => void): boolean {
      if ((controller.desiredSize ?? 1) > 0) return true;
      resume = wake;
      return false;
    },
    end() {
      if (state !== "open") return;
      state = "ended";
      controller.close();
    },
    fail(error: unknown) {
      if (state !== "open") return;
      state = "failed";
      controller.error(error);
    },
    onCancel(run: () => void) {
      cancelled = run;
    },
  };
}
