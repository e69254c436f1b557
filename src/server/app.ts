/**
 * The server's Hono app: the Docker Engine API image subset, the OCI distribution
 * endpoint over the local store (`/v2/`) and stevedore's own API (`/stevedore/v1/`),
 * behind an optional bearer token and request size limits.
 *
 * @module
 */
import { Hono } from "hono";
import type { FetchLike } from "../registry/mod.ts";
import type { Runtime } from "../runtime/mod.ts";
import type { RegistryStorage } from "./distribution/mod.ts";
import { distributionRoutes } from "./distribution/routes.ts";
import type { WebApp } from "./web_app.ts";
import { errorResponse, HttpError } from "./_http.ts";
import { EventLog } from "./event_log.ts";
import { redactRequestTarget } from "./_redact.ts";
import { imageRoutes } from "./image_routes.ts";
import { stevedoreRoutes } from "./stevedore_routes.ts";
import { StoreRegistryStorage } from "./store_storage.ts";
import { checkVersion, ENGINE_HEADERS, stripVersion, systemRoutes } from "./system_routes.ts";
import { runtimeParts } from "../runtime/mod.ts";

/** The largest total size of a request's headers, in bytes. */
export const MAX_HEADER_BYTES = 64 * 1024;

/** Options of {@linkcode createServerApp}. */
export interface ServerAppOptions {
  /** Require `Authorization: Bearer <token>` (or Basic with the token as password). @default none */
  token?: string;
  /** The storage of `/v2/`. @default a StoreRegistryStorage over the runtime's store */
  registryStorage?: RegistryStorage;
  /** The folder `POST /stevedore/v1/images/unpack` may write into. @default none (disabled) */
  unpackRoot?: string;
  /** The largest blob a `/v2/` upload may send. @default DEFAULT_MAX_UPLOAD_BYTES (16 GiB) */
  maxUploadBytes?: number;
  /** The `fetch` registries are reached with by `POST /auth`. @default globalThis.fetch */
  fetch?: FetchLike;
  /**
   * Receives one line per request (method, path and query with credentials redacted,
   * status); never headers or bodies. @default none
   */
  log?: (line: string) => void;
}

/** The app and what it holds open. */
export interface ServerApp {
  /** The app; `app.fetch` is the request handler. */
  app: WebApp;
  /** Stops following the runtime's events. */
  close(): void;
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Whether an `Authorization` header carries `token` (Bearer, or Basic with it as password). */
export function authorized(header: string | null | undefined, token: string): boolean {
  if (!header) return false;
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer) return timingSafeEqual(bearer[1], token);
  const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header);
  if (!basic) return false;
  try {
    const text = atob(basic[1]);
    return timingSafeEqual(text.slice(text.indexOf(":") + 1), token);
  } catch {
    return false;
  }
}

function headerBytes(headers: Headers): number {
  let total = 0;
  headers.forEach((value, key) => total += key.length + value.length + 4);
  return total;
}

/**
 * Builds the server app over `runtime`.
 *
 * @example
 * ```ts ignore
 * const { app } = createServerApp(await Runtime.open({ root: "/tmp/store" }));
 * console.log((await app.request("/_ping")).status); // 200
 * ```
 */
export function createServerApp(runtime: Runtime, options: ServerAppOptions = {}): ServerApp {
  const log = new EventLog(runtime);
  const app = new Hono({ getPath: (request) => stripVersion(new URL(request.url).pathname) });
  const { store, fs } = runtimeParts(runtime);
  const storage = options.registryStorage ?? new StoreRegistryStorage(store, { fs });

  app.use("*", async (c, next) => {
    const started = Date.now();
    const rawPath = new URL(c.req.url).pathname;
    try {
      if (headerBytes(c.req.raw.headers) > MAX_HEADER_BYTES) {
        throw new HttpError(431, "request headers too large");
      }
      if (
        options.token !== undefined && !authorized(c.req.header("authorization"), options.token)
      ) {
        c.res = Response.json({ message: "authentication required" }, {
          status: 401,
          headers: { "WWW-Authenticate": 'Bearer realm="stevedore"' },
        });
        return;
      }
      checkVersion(rawPath);
      await next();
    } catch (error) {
      c.res = errorResponse(error);
    } finally {
      if (!rawPath.startsWith("/v2")) {
        for (const [key, value] of Object.entries(ENGINE_HEADERS)) c.res.headers.set(key, value);
      }
      options.log?.(
        `${c.req.method} ${redactRequestTarget(new URL(c.req.url))} ${c.res.status} ${
          Date.now() - started
        }ms`,
      );
    }
  });

  app.route("/", systemRoutes(runtime, log, options.fetch ? { fetch: options.fetch } : {}));
  app.route("/", imageRoutes(runtime, log));
  app.route("/", stevedoreRoutes(runtime, { unpackRoot: options.unpackRoot }));
  app.route(
    "/",
    distributionRoutes(
      storage,
      options.maxUploadBytes === undefined ? {} : { maxUploadBytes: options.maxUploadBytes },
    ),
  );

  app.all("*", (c) => {
    return c.json({
      message: `stevedore serves images only: ${c.req.method} ${c.req.path} is not implemented`,
    }, 501);
  });
  app.onError((error) => errorResponse(error));
  return { app, close: () => log.close() };
}
