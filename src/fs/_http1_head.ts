/**
 * The head of an HTTP/1.1 response (status line and header fields) read from the bytes a
 * socket gave, and how its body is framed (RFC 9112): the parts of a client that reads
 * responses from a raw socket. Anything a well-behaved server does not send (folded or
 * malformed lines, conflicting lengths, transfer codings other than `chunked`, a head
 * larger than {@linkcode MAX_HEAD_BYTES}) is refused with an {@linkcode Http1Error}.
 *
 * @module
 */

/** The largest response head accepted (Node's `node:http` takes 16 KiB). */
export const MAX_HEAD_BYTES = 64 * 1024;

/** A response that breaks HTTP/1.1's framing or this client's limits. */
export class Http1Error extends TypeError {
  /** An error saying what is wrong with the response. */
  constructor(message: string) {
    super(`Invalid HTTP response: ${message}`);
    this.name = "Http1Error";
  }
}

/** A parsed response head. */
export interface Http1Head {
  /** The status code. */
  status: number;
  /** The reason phrase. */
  statusText: string;
  /** The header fields as `[name, value, name, value, ...]` (names as sent). */
  rawHeaders: string[];
  /** How the body is framed: a length, `chunked`, or until the connection closes. */
  framing: { length: number } | "chunked" | "close";
  /** Whether the server keeps the connection open after this response. */
  keepAlive: boolean;
}

const CR = 13;
const LF = 10;

/** Where the head in `bytes` ends (just past its empty line), or -1 if it has not ended. */
export function headEnd(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(from, 3); i < bytes.length; i++) {
    if (
      bytes[i] === LF && bytes[i - 1] === CR && bytes[i - 2] === LF && bytes[i - 3] === CR
    ) return i + 1;
  }
  return -1;
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: ([\t\x20-\x7e\x80-\xff]*))?$/;
/** A token (RFC 9110): a method or a field name. */
export const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The head in `bytes` (which end with its empty line), for a request with `method`. A
 * response to `HEAD`, or with status 1xx, 204 or 304, has no body whatever it declares.
 */
export function parseHead(bytes: Uint8Array, method: string): Http1Head {
  // latin1: every byte maps to one character, so no byte can hide a line break.
  const text = latin1(bytes.subarray(0, bytes.length - 4));
  const lines = text.split("\r\n");
  const statusLine = STATUS_LINE.exec(lines[0]);
  if (statusLine === null) throw new Http1Error(`bad status line "${printable(lines[0])}"`);
  const minor = statusLine[1];
  const status = Number(statusLine[2]);
  const rawHeaders: string[] = [];
  const lengths: string[] = [];
  const transfer: string[] = [];
  let connection = "";
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    const name = colon > 0 ? line.slice(0, colon) : "";
    if (!HTTP_TOKEN.test(name)) throw new Http1Error(`bad header line "${printable(line)}"`);
    const value = line.slice(colon + 1).replace(/^[\t ]+|[\t ]+$/g, "");
    if (!FIELD_VALUE.test(value)) throw new Http1Error(`bad value of header "${name}"`);
    rawHeaders.push(name, value);
    const lower = name.toLowerCase();
    if (lower === "content-length") lengths.push(...value.split(","));
    else if (lower === "transfer-encoding") transfer.push(...value.split(","));
    else if (lower === "connection") connection += `,${value.toLowerCase()}`;
  }
  const tokens = connection.split(",").map((token) => token.trim());
  const keepAlive = minor === "1" ? !tokens.includes("close") : tokens.includes("keep-alive");
  const statusText = statusLine[3] ?? "";
  const bodiless = method === "HEAD" || status < 200 || status === 204 || status === 304;
  if (bodiless) return { status, statusText, rawHeaders, framing: { length: 0 }, keepAlive };
  if (transfer.length > 0) {
    const codings = transfer.map((coding) => coding.trim().toLowerCase());
    if (codings.length !== 1 || codings[0] !== "chunked") {
      throw new Http1Error(`unsupported transfer coding "${printable(transfer.join(","))}"`);
    }
    return { status, statusText, rawHeaders, framing: "chunked", keepAlive };
  }
  if (lengths.length === 0) {
    return { status, statusText, rawHeaders, framing: "close", keepAlive: false };
  }
  const distinct = new Set(lengths.map((length) => length.trim()));
  const [only] = distinct;
  if (distinct.size !== 1 || !/^\d{1,15}$/.test(only)) {
    throw new Http1Error(`bad Content-Length "${printable(lengths.join(","))}"`);
  }
  return { status, statusText, rawHeaders, framing: { length: Number(only) }, keepAlive };
}

/** `bytes` as latin1 text. */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    text += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return text;
}

/** `text` cut to 80 characters, with control characters escaped (for messages). */
function printable(text: string): string {
  const cut = text.length > 80 ? `${text.slice(0, 80)}...` : text;
  let out = "";
  for (const c of cut) {
    const code = c.charCodeAt(0);
    out += code < 0x20 || code >= 0x7f ? `\\x${code.toString(16).padStart(2, "0")}` : c;
  }
  return out;
}

/**
 * Decodes a `chunked` body: `feed` each part of the bytes after the head; it calls `data`
 * with the views of chunk data in them (no copy) and returns how many bytes it used,
 * which is less than given only once the body has ended (the rest follows the body).
 */
export class ChunkedDecoder {
  #state: "size" | "data" | "data-end" | "trailer" | "done" = "size";
  #line = "";
  #left = 0;

  /** Whether the last chunk and the trailer section have been read. */
  get done(): boolean {
    return this.#state === "done";
  }

  /** Decodes `bytes`; see the class notes. */
  feed(bytes: Uint8Array, data: (view: Uint8Array) => void): number {
    let i = 0;
    while (i < bytes.length && this.#state !== "done") {
      if (this.#state === "data") {
        const n = Math.min(this.#left, bytes.length - i);
        data(bytes.subarray(i, i + n));
        i += n;
        this.#left -= n;
        if (this.#left === 0) this.#state = "data-end";
        continue;
      }
      const byte = bytes[i++];
      if (byte !== LF) {
        if (this.#line.length >= 1024) throw new Http1Error("a chunk line is too long");
        this.#line += String.fromCharCode(byte);
        continue;
      }
      if (!this.#line.endsWith("\r")) throw new Http1Error("a chunk line does not end in CRLF");
      const line = this.#line.slice(0, -1);
      this.#line = "";
      this.#lineEnded(line);
    }
    return i;
  }

  #lineEnded(line: string): void {
    if (this.#state === "data-end") {
      if (line !== "") throw new Http1Error("chunk data is longer than its size");
      this.#state = "size";
    } else if (this.#state === "size") {
      const size = /^([0-9A-Fa-f]{1,12})[\t ]*(?:;.*)?$/.exec(line);
      if (size === null) throw new Http1Error(`bad chunk size "${printable(line)}"`);
      this.#left = parseInt(size[1], 16);
      this.#state = this.#left === 0 ? "trailer" : "data";
    } else if (this.#state === "trailer" && line === "") {
      this.#state = "done";
    }
  }
}
