/**
 * Starting the server: parses the listen address, refuses to expose the API beyond
 * loopback without a token, opens the runtime and serves the app with the running
 * runtime's HTTP server.
 *
 * @module
 */
import { type HttpAdapter, listenHttp, type ListenTarget } from "../fs/http_listen.ts";
import { UsageError } from "./usage_error.ts";
import { Runtime, type RuntimeOptions } from "../runtime/mod.ts";
import { createServerApp } from "./app.ts";

/** The default listen address. */
export const DEFAULT_LISTEN = "127.0.0.1:8080";

/** Options of {@linkcode startServer}. */
export interface StartServerOptions {
  /** `HOST:PORT`, `tcp://HOST:PORT` or `unix://PATH`. @default "127.0.0.1:8080" */
  listen?: string;
  /** The store's root directory (ignored when `runtime` is given). @default the runtime's default */
  root?: string;
  /** Require this bearer token on every request. @default none (loopback or Unix socket only) */
  token?: string;
  /** An already opened runtime to serve. @default Runtime.open({ root, ...runtimeOptions }) */
  runtime?: Runtime;
  /** Options for opening the runtime. @default {} */
  runtimeOptions?: RuntimeOptions;
  /** The HTTP server implementation. @default the running runtime's */
  adapter?: HttpAdapter;
  /** The folder `POST /stevedore/v1/images/unpack` may write into. @default none (disabled) */
  unpackRoot?: string;
  /** Receives one line per request. @default none */
  log?: (line: string) => void;
}

/** A running server. */
export interface RunningServer {
  /** `http://HOST:PORT` or `unix://PATH`. */
  url: string;
  /** The HTTP server implementation in use. */
  adapter: HttpAdapter;
  /** Stops the server (and the runtime it opened). */
  close(): Promise<void>;
}

/**
 * Parses a listen address: `HOST:PORT`, `tcp://HOST:PORT`, `[::1]:PORT` or `unix://PATH`.
 *
 * @throws {TypeError} when it is malformed.
 */
export function parseListen(listen: string): ListenTarget {
  if (listen.startsWith("unix://")) {
    const path = listen.slice("unix://".length);
    if (path === "" || path.includes("\0")) {
      throw new TypeError(`Invalid listen address "${listen}"`);
    }
    return { path };
  }
  const rest = listen.startsWith("tcp://") ? listen.slice("tcp://".length) : listen;
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\[\]/\s]+)):(\d{1,5})$/.exec(rest);
  const port = Number(match?.[3]);
  if (!match || !Number.isInteger(port) || port > 65535) {
    throw new TypeError(`Invalid listen address "${listen}": expected HOST:PORT or unix://PATH`);
  }
  return { hostname: match[1] ?? match[2], port };
}

/** Whether a listen target stays on this host (loopback address or Unix socket). */
export function isLocalTarget(target: ListenTarget): boolean {
  if ("path" in target) return true;
  const host = target.hostname.toLowerCase();
  return host === "localhost" || host === "::1" || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * Starts serving the store.
 *
 * @throws {TypeError} for a malformed address.
 * @throws {UsageError} for a non-loopback address without a token, or a short token.
 * @example
 * ```ts ignore
 * const server = await startServer({ listen: "127.0.0.1:0", root: "/tmp/store" });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export async function startServer(options: StartServerOptions = {}): Promise<RunningServer> {
  const target = parseListen(options.listen ?? DEFAULT_LISTEN);
  if (options.token !== undefined && options.token.length < 8) {
    throw new UsageError("--token", "the token must be at least 8 characters long");
  }
  if (!isLocalTarget(target) && options.token === undefined) {
    throw new UsageError(
      `--listen ${options.listen}`,
      "refusing to serve the image API beyond loopback without a token: give one with " +
        "--token-file or $STEVEDORE_SERVER_TOKEN, or listen on 127.0.0.1, [::1] or unix://PATH",
    );
  }
  const runtime = options.runtime ??
    await Runtime.open({
      ...options.runtimeOptions,
      ...(options.root ? { root: options.root } : {}),
    });
  const server = createServerApp(runtime, {
    token: options.token,
    log: options.log,
    unpackRoot: options.unpackRoot,
  });
  const listener = await listenHttp((request) => server.app.fetch(request), target, {
    adapter: options.adapter,
  });
  return {
    url: listener.url,
    adapter: listener.adapter,
    close: async () => {
      server.close();
      await listener.close();
      if (!options.runtime) await runtime.close();
    },
  };
}
