/**
 * Whether a TCP port speaks TLS, learned from one exchange: a TLS ClientHello is sent and
 * the first bytes of the answer tell. A TLS server answers with a TLS record (a ServerHello
 * or an alert); a plain-HTTP server answers the bytes it cannot parse with an HTTP status
 * line. A registry client that may fall back to plain HTTP (an insecure registry) asks this
 * first, so that a plain-HTTP registry costs no TLS attempt: the runtime's TLS stack is not
 * built for a connection bound to fail (~35 ms of a Deno process). Only a plain answer
 * changes anything; a TLS answer, silence, a closed connection or a runtime without raw
 * sockets (an edge runtime) mean "try HTTPS", as without the question.
 *
 * @example
 * ```ts ignore
 * import { sniffTls } from "./tls_sniff.ts";
 * console.log(await sniffTls("127.0.0.1", 5000, { timeoutMs: 2000 })); // "plain"
 * ```
 *
 * @module
 */
import { nodeBuiltin } from "../host/node_builtin.ts";

/** What a port answered to a ClientHello: TLS, plain HTTP, or nothing telling. */
export type TlsSniff = "tls" | "plain" | "unknown";

/** Options of {@linkcode sniffTls}. */
export interface SniffTlsOptions {
  /** How long to wait for the connection and the answer, in milliseconds. */
  timeoutMs: number;
  /** Gives up (as "unknown") when aborted. */
  signal?: AbortSignal;
}

/** TLS record types a TLS server's first answer starts with: handshake and alert. */
const TLS_RECORD_TYPES: ReadonlySet<number> = new Set([0x16, 0x15]);

/** The start of every HTTP/1.x status line. */
const HTTP_STATUS_LINE = "HTTP/";

/** The bytes a text of hexadecimal pairs (spaces ignored) stands for. */
function hexBytes(text: string): number[] {
  return (text.replace(/\s+/g, "").match(/../g) ?? []).map((pair) => parseInt(pair, 16));
}

/** A length as `width` big-endian bytes. */
function lengthBytes(length: number, width: 2 | 3): number[] {
  const bytes = [(length >> 8) & 0xff, length & 0xff];
  return width === 3 ? [(length >> 16) & 0xff, ...bytes] : bytes;
}

/** The ClientHello's extensions: what any TLS 1.2 or 1.3 server can answer. */
const HELLO_EXTENSIONS = hexBytes([
  "000a 0008 0006 001d 0017 0018", // supported_groups: x25519, secp256r1, secp384r1
  "000b 0002 0100", // ec_point_formats: uncompressed
  "000d 0008 0006 0403 0804 0401", // signature_algorithms: ECDSA P-256, RSA-PSS, RSA PKCS#1
  "002b 0005 04 0304 0303", // supported_versions: TLS 1.3, TLS 1.2
].join(""));

/**
 * A TLS ClientHello record with `random` as its random: TLS 1.2 and 1.3, two cipher suites
 * (TLS_AES_128_GCM_SHA256, ECDHE_RSA_AES_128_GCM_SHA256), no compression. It only has to
 * draw an answer: the handshake never goes on.
 */
function clientHello(random: Uint8Array): Uint8Array {
  const body = [
    ...hexBytes("0303"), // legacy version: TLS 1.2
    ...random,
    0x00, // no session ID
    ...hexBytes("0004 1301 c02f"),
    ...hexBytes("01 00"), // compression: none
    ...lengthBytes(HELLO_EXTENSIONS.length, 2),
    ...HELLO_EXTENSIONS,
  ];
  const handshake = [0x01, ...lengthBytes(body.length, 3), ...body];
  return new Uint8Array([0x16, 0x03, 0x01, ...lengthBytes(handshake.length, 2), ...handshake]);
}

/** What the first bytes of an answer tell. */
function classify(bytes: Uint8Array): TlsSniff {
  if (bytes.length === 0) return "unknown";
  if (TLS_RECORD_TYPES.has(bytes[0])) return "tls";
  const head = String.fromCharCode(...bytes.subarray(0, HTTP_STATUS_LINE.length));
  return head === HTTP_STATUS_LINE ? "plain" : "unknown";
}

/** The parts of Deno's namespace a sniff uses (Deno only). */
interface DenoNet {
  connect(options: { hostname: string; port: number }): Promise<DenoConn>;
}

interface DenoConn {
  write(bytes: Uint8Array): Promise<number>;
  read(into: Uint8Array): Promise<number | null>;
  close(): void;
}

function denoNet(): DenoNet | undefined {
  const deno = (globalThis as { Deno?: Partial<DenoNet> }).Deno;
  return typeof deno?.connect === "function" ? deno as DenoNet : undefined;
}

/** Sends `hello` over Deno's own TCP and reads the first answer. */
async function viaDeno(
  net: DenoNet,
  host: string,
  port: number,
  hello: Uint8Array,
  stop: AbortSignal,
): Promise<Uint8Array> {
  let conn: DenoConn | undefined;
  const onStop = () => conn?.close();
  stop.addEventListener("abort", onStop, { once: true });
  try {
    conn = await net.connect({ hostname: host, port });
    if (stop.aborted) return new Uint8Array(); // the race is over: just close
    let written = 0;
    while (written < hello.length) written += await conn.write(hello.subarray(written));
    const into = new Uint8Array(16);
    const n = await conn.read(into);
    return into.subarray(0, n ?? 0);
  } finally {
    stop.removeEventListener("abort", onStop);
    try {
      conn?.close();
    } catch {
      // closed by the abort
    }
  }
}

/** Sends `hello` over `node:net` and reads the first answer. */
function viaNodeNet(
  net: typeof import("node:net"),
  host: string,
  port: number,
  hello: Uint8Array,
  stop: AbortSignal,
): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const finish = (bytes: Uint8Array | undefined, error?: unknown) => {
      if (settled) return;
      settled = true;
      stop.removeEventListener("abort", onStop);
      socket.destroy();
      if (bytes === undefined) reject(error);
      else resolve(bytes);
    };
    const onStop = () => finish(new Uint8Array());
    stop.addEventListener("abort", onStop, { once: true });
    socket.on("connect", () => socket.write(hello));
    socket.on("data", (chunk: Uint8Array) => finish(new Uint8Array(chunk)));
    socket.on("end", () => finish(new Uint8Array()));
    socket.on("close", () => finish(new Uint8Array()));
    socket.on("error", (error) => finish(undefined, error));
  });
}

/** Resolves with no bytes once `stop` aborts. */
function stopped(stop: AbortSignal): Promise<Uint8Array> {
  return new Promise((resolve) => {
    if (stop.aborted) resolve(new Uint8Array());
    stop.addEventListener("abort", () => resolve(new Uint8Array()), { once: true });
  });
}

/**
 * Whether `host:port` speaks TLS: "plain" only when it answered a ClientHello with an HTTP
 * status line; "tls" when it answered with a TLS record; "unknown" when it could not be
 * asked (no raw TCP on this runtime, no connection, no answer within `timeoutMs`, an
 * aborted `signal`) or answered anything else. Never throws.
 */
export async function sniffTls(
  host: string,
  port: number,
  options: SniffTlsOptions,
): Promise<TlsSniff> {
  const deno = denoNet();
  const node = deno === undefined ? nodeBuiltin("node:net") : undefined;
  if (deno === undefined && node === undefined) return "unknown";
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), options.timeoutMs);
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    if (options.signal?.aborted) return "unknown";
    const hello = clientHello(crypto.getRandomValues(new Uint8Array(32)));
    // Deno cannot cancel a connect: the race leaves it to close itself once it ends.
    const answer = await Promise.race([
      deno !== undefined
        ? viaDeno(deno, host, port, hello, stop.signal)
        : viaNodeNet(node!, host, port, hello, stop.signal),
      stopped(stop.signal),
    ]);
    return classify(answer);
  } catch {
    return "unknown";
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
