/**
 * Low-level HTTP helpers of the registry client: combined signals, per-request connect
 * and idle-read timeouts, retries with `Retry-After`, and classification of transient
 * failures.
 *
 * @module
 */
import { StevedoreError } from "../errors.ts";
import type { SniffTlsOptions, TlsSniff } from "../fs/tls_sniff.ts";
import {
  anySignal,
  type LinkedSignal,
  linkSignal,
  pieceReader,
  readLimited as readAll,
  sleep,
} from "../streams/mod.ts";

/** The retry settings, resolved. */
export interface RetryPolicy {
  maxRetries: number;
  delayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  now: () => number;
}

/**
 * What the client reads of an HTTP answer. `fetch`'s `Response` is one; on Node, the
 * default transport answers with a lighter object of the same shape (see
 * `src/fs/node_http_fetch.ts`), and a guarded body is handed on as such an object too.
 */
export interface HttpResponse {
  /** The status code. */
  readonly status: number;
  /** The reason phrase. */
  readonly statusText: string;
  /** Whether the status is 2xx. */
  readonly ok: boolean;
  /** `"opaqueredirect"` for a redirect a runtime's `fetch` hides; see `Response.type`. */
  readonly type: string;
  /** The headers. */
  readonly headers: { get(name: string): string | null };
  /** The body, or null. */
  readonly body: ReadableStream<Uint8Array> | null;
}

/** The `fetch` the client calls: the one given (a `FetchLike`), or the default one. */
export type HttpFetch = (input: string, init: RequestInit) => Promise<HttpResponse>;

/** Everything a request needs besides its own parameters. */
export interface HttpContext {
  fetch: HttpFetch;
  userAgent: string;
  retry: RetryPolicy;
  /** How long to wait for response headers, in milliseconds; 0 = no limit. */
  connectTimeoutMs: number;
  /** How long one read of a response body may wait for data, in milliseconds; 0 = no limit. */
  readTimeoutMs: number;
  /**
   * Asks a port whether it speaks TLS before an insecure endpoint tries HTTPS (see
   * `src/fs/tls_sniff.ts`); absent when `fetch` was given (its connections may go
   * elsewhere: a proxy, a test double), and then HTTPS is simply tried.
   */
  sniffTls?: (host: string, port: number, options: SniffTlsOptions) => Promise<TlsSniff>;
}

/**
 * Statuses worth another try, for the registry client and the copy engine alike: a
 * request timeout, throttling, server errors and gateways.
 */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/** The error a per-attempt timeout raises: no headers in time, or a body that stalls. */
export class AttemptTimeoutError extends Error {
  /** Whether the body stalled (rather than the headers not coming). */
  readonly idle: boolean;

  constructor(ms: number, idle = false) {
    super(idle ? `no data for ${ms} ms` : `no answer within ${ms} ms`);
    this.name = "TimeoutError";
    this.idle = idle;
  }
}

export { anySignal };

/** Waits `ms` milliseconds, or rejects when `signal` aborts. */
export const defaultSleep: (ms: number, signal?: AbortSignal) => Promise<void> = sleep;

/**
 * Calls `fetch` once. The request gets a signal of its own that follows `signal` only
 * while the request lives (so a long-lived caller's signal never collects listeners). When
 * `connectTimeoutMs` > 0 the attempt is aborted if no response headers arrive in time;
 * when `ctx.readTimeoutMs` > 0 a body read that waits longer fails with
 * {@linkcode AttemptTimeoutError} and drops the connection.
 */
export async function fetchOnce(
  ctx: HttpContext,
  url: URL,
  init: RequestInit,
  signal: AbortSignal | undefined,
  connectTimeoutMs: number = ctx.connectTimeoutMs,
): Promise<HttpResponse> {
  const link = linkSignal(signal);
  const handle = connectTimeoutMs > 0
    ? setTimeout(() => link.abort(new AttemptTimeoutError(connectTimeoutMs)), connectTimeoutMs)
    : undefined;
  let response: HttpResponse;
  try {
    response = await ctx.fetch(url.href, { ...init, signal: link.signal });
  } catch (error) {
    link.dispose();
    if (link.signal.aborted && !signal?.aborted) throw link.signal.reason;
    throw error;
  } finally {
    clearTimeout(handle);
  }
  return guardBody(response, ctx.readTimeoutMs, link);
}

/** Statuses whose responses cannot be built with a body. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/**
 * A watchdog over body reads: `stalled` runs once a read has waited `idleMs`. One timer
 * serves many quick reads (it is re-armed for what is left when it fires early), so a
 * fast download does not pay for a timer per chunk.
 */
function readWatchdog(idleMs: number, stalled: () => void) {
  let started = -1; // when the pending read began; -1 = no read pending
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    if (started < 0) return;
    const waited = performance.now() - started;
    if (waited >= idleMs) return stalled();
    timer = setTimeout(check, idleMs - waited);
  };
  return {
    begin() {
      started = performance.now();
      timer ??= setTimeout(check, idleMs);
    },
    end() {
      started = -1;
    },
    stop() {
      started = -1;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * The size of the pieces a body is read in where the runtime lets us read into our own
 * buffers (Deno): a write of the store's file sink takes pieces this large as they are.
 */
const BODY_PIECE_BYTES = 512 * 1024;

/** The piece size for a body of `contentLength` bytes (the whole of a smaller one). */
function pieceSize(contentLength: string | null): number {
  const length = Number(contentLength ?? NaN);
  return Number.isSafeInteger(length) && length > 0
    ? Math.min(length, BODY_PIECE_BYTES)
    : BODY_PIECE_BYTES;
}

/**
 * `response` with a body that fails after `idleMs` without data, and that unlinks the
 * request's signal once it ends, fails or is cancelled. Where the body is a byte stream,
 * it is handed on in pieces of up to {@linkcode BODY_PIECE_BYTES} (see `pieceReader`).
 */
function guardBody(response: HttpResponse, idleMs: number, link: LinkedSignal): HttpResponse {
  const body = response.body;
  if (
    body === null || response.type === "opaqueredirect" || response.status < 200 ||
    NULL_BODY_STATUSES.has(response.status)
  ) {
    link.dispose();
    return response;
  }
  let stall: AttemptTimeoutError | undefined;
  const watchdog = readWatchdog(idleMs, () => {
    // Drop the connection (a stalled one would stay open); the pending read then ends.
    stall = new AttemptTimeoutError(idleMs, true);
    link.abort(stall);
    reader.cancel(stall).catch(() => {});
  });
  const length = response.headers.get("content-length");
  const reader = pieceReader(body, pieceSize(length), idleMs > 0 ? watchdog : undefined);
  const guarded = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const result = await reader.read();
        // Bytes that came before a stall are handed on; the next read reports it.
        if (!result.done) return controller.enqueue(result.value);
        if (stall !== undefined) throw stall;
        watchdog.stop();
        link.dispose();
        controller.close();
      } catch (error) {
        watchdog.stop();
        const reason = stall ?? error;
        link.abort(reason);
        reader.cancel(reason).catch(() => {});
        controller.error(reason);
      }
    },
    cancel(reason) {
      watchdog.stop();
      link.dispose();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    type: response.type,
    headers: response.headers,
    body: guarded,
  };
}

const TRANSIENT_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "ConnectionRefused",
  "ConnectionClosed",
  "ConnectionReset",
]);

/** Tells whether a thrown error is a transient network failure (not a caller's abort). */
export function isTransientError(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  if (error instanceof StevedoreError) return false;
  if (error instanceof AttemptTimeoutError || error instanceof TypeError) return true;
  if (typeof error !== "object" || error === null) return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  if (name === "TimeoutError") return true;
  return typeof code === "string" && TRANSIENT_CODES.has(code);
}

/** How long a `Retry-After` header asks to wait, in milliseconds. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^[A-Za-z]{3},? /.test(text)) return undefined; // an HTTP date starts with a day name
  const date = Date.parse(text);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/** Reads and drops a response body so the connection can be reused. */
export async function discard(response: HttpResponse): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    // nothing to do: the body is unusable anyway
  }
}

/**
 * Runs `send` until it answers with a non-retryable status or the retries run out; a
 * transient error is retried too. With `replayable` false, `send` runs exactly once.
 */
export async function withRetries(
  policy: RetryPolicy,
  signal: AbortSignal | undefined,
  replayable: boolean,
  send: () => Promise<HttpResponse>,
): Promise<HttpResponse> {
  for (let attempt = 0;; attempt++) {
    const canRetry = replayable && attempt < policy.maxRetries;
    let response: HttpResponse;
    try {
      response = await send();
    } catch (error) {
      if (!canRetry || !isTransientError(error, signal)) throw error;
      await policy.sleep(policy.delayMs, signal);
      continue;
    }
    if (!canRetry || !RETRYABLE_STATUSES.has(response.status)) return response;
    const asked = retryAfterMs(response.headers.get("retry-after"), policy.now());
    await discard(response);
    await policy.sleep(Math.min(asked ?? policy.delayMs, policy.maxDelayMs), signal);
  }
}

/** Reads a body into memory, refusing more than `limit` bytes. */
export async function readLimited(
  response: HttpResponse,
  limit: number,
  tooLarge: () => Error,
): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length") ?? "NaN");
  if (declared > limit) {
    await discard(response);
    throw tooLarge();
  }
  const bytes = await readAll(response.body, limit);
  if (bytes === undefined) throw tooLarge();
  return bytes;
}
