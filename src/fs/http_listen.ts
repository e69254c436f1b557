/**
 * The HTTP listening seam: serves a `fetch` handler on a TCP address or a Unix socket with
 * the running runtime's own server (`Deno.serve`, `Bun.serve`) or `@hono/node-server` on
 * Node. This is the only place the HTTP server touches runtime-specific APIs.
 *
 * @module
 */
import { createAdaptorServer } from "@hono/node-server";
import type { AddressInfo } from "node:net";

/** Where to listen: a TCP host and port (0 picks a free port) or a Unix socket path. */
export type ListenTarget = { hostname: string; port: number } | { path: string };

/** The server implementations {@linkcode listenHttp} can use. */
export type HttpAdapter = "deno" | "bun" | "node";

/** Options of {@linkcode listenHttp}. */
export interface ListenHttpOptions {
  /** The server implementation. @default the running runtime's */
  adapter?: HttpAdapter;
}

/** A listening server. */
export interface HttpListener {
  /** `http://HOST:PORT` or `unix://PATH`. */
  url: string;
  /** The adapter that serves. */
  adapter: HttpAdapter;
  /** Stops accepting connections and closes the open ones. */
  close(): Promise<void>;
}

/** A request handler, as `fetch` takes. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

interface DenoServer {
  finished: Promise<void>;
  shutdown(): Promise<void>;
  addr: { hostname?: string; port?: number; path?: string };
}
interface DenoLike {
  serve(options: Record<string, unknown>, handler: FetchHandler): DenoServer;
}
interface BunServer {
  port?: number;
  stop(closeActive?: boolean): Promise<void> | void;
}
interface BunLike {
  serve(options: Record<string, unknown>): BunServer;
}

/** The runtime this code runs on. */
export function detectAdapter(): HttpAdapter {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "node";
}

function hostForUrl(hostname: string): string {
  return hostname.includes(":") ? `[${hostname}]` : hostname;
}

async function listenDeno(handler: FetchHandler, target: ListenTarget): Promise<HttpListener> {
  const deno = (globalThis as unknown as { Deno: DenoLike }).Deno;
  let ready!: () => void;
  const listening = new Promise<void>((resolve) => ready = resolve);
  const options: Record<string, unknown> = { onListen: () => ready() };
  if ("path" in target) options.path = target.path;
  else Object.assign(options, { hostname: target.hostname, port: target.port });
  const server = deno.serve(options, handler);
  await listening;
  const url = "path" in target
    ? `unix://${target.path}`
    : `http://${hostForUrl(target.hostname)}:${server.addr.port}`;
  return {
    url,
    adapter: "deno",
    close: async () => {
      await server.shutdown();
    },
  };
}

function listenBun(handler: FetchHandler, target: ListenTarget): Promise<HttpListener> {
  const bun = (globalThis as unknown as { Bun: BunLike }).Bun;
  const options: Record<string, unknown> = {
    fetch: handler,
    idleTimeout: 0,
    maxRequestBodySize: Number.MAX_SAFE_INTEGER,
  };
  if ("path" in target) options.unix = target.path;
  else Object.assign(options, { hostname: target.hostname, port: target.port });
  const server = bun.serve(options);
  const url = "path" in target
    ? `unix://${target.path}`
    : `http://${hostForUrl(target.hostname)}:${server.port}`;
  return Promise.resolve({
    url,
    adapter: "bun",
    close: async () => {
      await server.stop(true);
    },
  });
}

function listenNode(handler: FetchHandler, target: ListenTarget): Promise<HttpListener> {
  // The adapter's faster Response replaces the global one; only do that on Node itself,
  // where no other server needs the real one.
  const overrideGlobalObjects = detectAdapter() === "node";
  const server = createAdaptorServer({ fetch: handler, overrideGlobalObjects });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    const done = () => {
      server.off("error", reject);
      const address = server.address() as AddressInfo | string | null;
      const url = "path" in target
        ? `unix://${target.path}`
        : `http://${hostForUrl(target.hostname)}:${(address as AddressInfo).port}`;
      resolve({
        url,
        adapter: "node",
        close: () =>
          new Promise<void>((closed) => {
            const s = server as unknown as { closeAllConnections?: () => void };
            server.close(() => closed());
            s.closeAllConnections?.();
          }),
      });
    };
    if ("path" in target) server.listen(target.path, done);
    else server.listen(target.port, target.hostname, done);
  });
}

/**
 * Serves `handler` on `target` until `close()` is called.
 *
 * @example
 * ```ts ignore
 * const server = await listenHttp(() => new Response("hi"), { hostname: "127.0.0.1", port: 0 });
 * console.log(server.url);
 * await server.close();
 * ```
 */
export function listenHttp(
  handler: FetchHandler,
  target: ListenTarget,
  options: ListenHttpOptions = {},
): Promise<HttpListener> {
  const adapter = options.adapter ?? detectAdapter();
  if (adapter === "deno") return listenDeno(handler, target);
  if (adapter === "bun") return listenBun(handler, target);
  return listenNode(handler, target);
}
