/**
 * The HTTP server: a Docker Engine API subset for images (so the `docker` client works
 * against the local store), an OCI distribution endpoint over the store at `/v2/`, and
 * stevedore's own JSON API at `/stevedore/v1/`. {@linkcode startServer} serves it on Deno,
 * Node or Bun; {@linkcode createServerApp} gives the Hono app for embedding and tests.
 *
 * @example
 * ```ts ignore
 * import { startServer } from "./mod.ts";
 * const server = await startServer({ listen: "127.0.0.1:0", root: "/tmp/store" });
 * console.log(server.url); // http://127.0.0.1:PORT — DOCKER_HOST=tcp://127.0.0.1:PORT
 * await server.close();
 * ```
 *
 * @module
 */
export {
  DEFAULT_LISTEN,
  isLocalTarget,
  parseListen,
  type RunningServer,
  startServer,
  type StartServerOptions,
} from "./start_server.ts";
export {
  authorized,
  createServerApp,
  MAX_HEADER_BYTES,
  type ServerApp,
  type ServerAppOptions,
} from "./app.ts";
export { API_VERSION, dockerEvent, MIN_API_VERSION } from "./system_routes.ts";
export { EventLog, type ServerEvent, type ServerEventType } from "./event_log.ts";
export { HttpError } from "./http_error.ts";
export {
  resolveServerToken,
  type ServerToken,
  type ServerTokenSources,
  TOKEN_ENV,
} from "./server_token.ts";
export {
  imageNameOf,
  repositoryOf,
  StoreRegistryStorage,
  type StoreRegistryStorageOptions,
} from "./store_storage.ts";
export {
  distributionApp,
  type DistributionOptions,
  MemoryRegistryStorage,
  type RegistryStorage,
  type StoredManifest,
  type UploadSession,
} from "./distribution/mod.ts";
export type { HttpAdapter, ListenTarget } from "../fs/http_listen.ts";
export { UsageError } from "./usage_error.ts";
export type { WebApp } from "./web_app.ts";
