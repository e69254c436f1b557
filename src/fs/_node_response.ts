/**
 * The answer of a `node:http` exchange in the shape of `fetch`'s `Response` (status,
 * headers, a streamed body), without building one: on Node, `Response` and `Headers` come
 * from undici, whose first use loads it whole (~20 ms of CPU in a short process) and whose
 * objects cost more per request than the exchange they describe. Code that needs a real
 * `Response` converts with {@linkcode toFetchResponse}.
 *
 * @module
 */
import { concatBytes } from "../streams/concat_bytes.ts";

/** Response headers read from `node:http`'s raw list: names are case-insensitive. */
export class NodeHeaders {
  readonly #values = new Map<string, string>();

  /** Headers from a raw `[name, value, name, value, ...]` list (repeated names joined). */
  constructor(raw: readonly string[] = []) {
    for (let i = 0; i + 1 < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      const before = this.#values.get(name);
      this.#values.set(name, before === undefined ? raw[i + 1] : `${before}, ${raw[i + 1]}`);
    }
  }

  /** The value of `name`, or null (as `Headers.get`). */
  get(name: string): string | null {
    return this.#values.get(name.toLowerCase()) ?? null;
  }

  /** Calls `each` with every value and its (lower-case) name. */
  forEach(each: (value: string, name: string) => void): void {
    for (const [name, value] of this.#values) each(value, name);
  }
}

/** A `fetch`-shaped answer: what callers of `nodeHttpFetch` read of a `Response`. */
export class NodeResponse {
  /** As `Response.type` for a same-origin answer. */
  readonly type = "basic";
  /** The status code. */
  readonly status: number;
  /** The reason phrase. */
  readonly statusText: string;
  /** The headers. */
  readonly headers: NodeHeaders;
  /** The body, streamed; null for `HEAD` and bodiless statuses. */
  readonly body: ReadableStream<Uint8Array> | null;

  /** An answer with `status`, `statusText`, `headers` and `body`. */
  constructor(
    status: number,
    statusText: string,
    headers: NodeHeaders,
    body: ReadableStream<Uint8Array> | null,
  ) {
    this.status = status;
    this.statusText = statusText;
    this.headers = headers;
    this.body = body;
  }

  /** Whether the status is 2xx. */
  get ok(): boolean {
    return this.status >= 200 && this.status <= 299;
  }

  /** Reads the whole body. */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.body === null) return new Uint8Array(0);
    const parts: Uint8Array[] = [];
    for await (const chunk of this.body) parts.push(chunk);
    return concatBytes(parts);
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    return new TextDecoder().decode(await this.bytes());
  }
}

/**
 * The error of an exchange with `target` that failed before its answer (as `fetch`'s: a
 * `TypeError` whose `cause` is the system error).
 */
export function connectionFailed(target: string, error: Error | undefined): TypeError {
  const reason = error?.message ?? "the connection closed";
  return new TypeError(`Cannot connect to "${target}": ${reason}`, { cause: error });
}

/** The error of a response body whose connection closed before its end. */
export function responseCutShort(cause?: unknown): TypeError {
  return new TypeError("The connection closed before the response ended", { cause });
}

/** `answer` as a real `Response` (for callers typed with `fetch`). */
export function toFetchResponse(answer: NodeResponse): Response {
  const headers = new Headers();
  answer.headers.forEach((value, name) => headers.append(name, value));
  return new Response(answer.body, {
    status: answer.status,
    statusText: answer.statusText,
    headers,
  });
}
