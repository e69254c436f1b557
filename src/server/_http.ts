/**
 * Helpers shared by the server's routes: error mapping, limited body reading, query
 * parsing and JSON-lines streams.
 *
 * @module
 */
import { ImageNotFoundError, StevedoreError } from "../errors.ts";
import { readLimited } from "../streams/mod.ts";
import { HttpError } from "./http_error.ts";

/** The largest JSON request body accepted, in bytes. */
export const MAX_JSON_BODY = 1024 * 1024;

export { HttpError };

/** The HTTP status and the Docker-style message of an error. */
export function describeError(error: unknown): { status: number; message: string } {
  if (error instanceof HttpError) return { status: error.status, message: error.message };
  if (error instanceof ImageNotFoundError) {
    return { status: 404, message: `No such image: ${error.input}` };
  }
  if (error instanceof StevedoreError) {
    return { status: error.httpStatus, message: error.message };
  }
  if (error instanceof TypeError || error instanceof RangeError) {
    return { status: 400, message: error.message };
  }
  return { status: 500, message: error instanceof Error ? error.message : String(error) };
}

/** A JSON `{"message": ...}` response for `error`. */
export function errorResponse(error: unknown): Response {
  const { status, message } = describeError(error);
  return Response.json({ message }, { status });
}

/** Reads a request body of at most `limit` bytes; throws a 413 `HttpError` beyond. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? "-1");
  const bytes = declared > limit ? undefined : await readLimited(request.body, limit);
  if (bytes === undefined) throw new HttpError(413, `request body larger than ${limit} bytes`);
  return bytes;
}

/** Reads a JSON body (at most {@linkcode MAX_JSON_BODY}); an empty body gives `fallback`. */
export async function readJson<T>(request: Request, fallback: T): Promise<T> {
  const bytes = await readBody(request, MAX_JSON_BODY);
  if (bytes.byteLength === 0) return fallback;
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    throw new HttpError(400, "request body is not valid JSON");
  }
}

/** A boolean query parameter (`1`, `true`, `True`); absent gives `fallback`. */
export function queryBool(url: URL, name: string, fallback = false): boolean {
  const value = url.searchParams.get(name);
  if (value === null || value === "") return fallback;
  return value === "1" || value.toLowerCase() === "true";
}

/**
 * Docker's `filters` query parameter (`{"key":{"value":true}}` or `{"key":["value"]}`)
 * as libimage filter strings (`key=value`).
 */
export function dockerFilters(url: URL): Map<string, string[]> {
  const raw = url.searchParams.get("filters");
  const out = new Map<string, string[]>();
  if (raw === null || raw === "") return out;
  if (raw.length > MAX_JSON_BODY) throw new HttpError(400, "filters parameter too large");
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, `invalid filters parameter: not JSON`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new HttpError(400, "invalid filters parameter: not a JSON object");
  }
  for (const [key, value] of Object.entries(parsed as Record<string, unknown>)) {
    let values: string[];
    if (Array.isArray(value)) values = value.map(String);
    else if (typeof value === "object" && value !== null) {
      values = Object.entries(value).filter(([, on]) => on === true).map(([v]) => v);
    } else throw new HttpError(400, `invalid filters parameter: bad value for "${key}"`);
    out.set(key, values);
  }
  return out;
}

/** Flattens filters to `key=value` strings. */
export function filterStrings(filters: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [key, values] of filters) for (const value of values) out.push(`${key}=${value}`);
  return out;
}

/** A stream of JSON lines fed by `run`; an error thrown by `run` becomes an error line. */
export function jsonLines(
  run: (send: (value: unknown) => void, signal: AbortSignal) => Promise<void>,
  formatError: (error: unknown) => unknown = (error) => {
    const { message } = describeError(error);
    return { errorDetail: { message }, error: message };
  },
): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  return new ReadableStream<Uint8Array>({
    start(controller) {
      let open = true;
      const send = (value: unknown) => {
        if (!open) return;
        try {
          controller.enqueue(encoder.encode(JSON.stringify(value) + "\r\n"));
        } catch {
          open = false;
        }
      };
      run(send, abort.signal).catch((error) => send(formatError(error))).finally(() => {
        if (!open) return;
        open = false;
        try {
          controller.close();
        } catch {
          // Already cancelled by the client.
        }
      });
    },
    cancel() {
      abort.abort();
    },
  });
}

/** A JSON-lines streaming response. */
export function streamResponse(body: ReadableStream<Uint8Array>, status = 200): Response {
  return new Response(body, { status, headers: { "Content-Type": "application/json" } });
}
