/**
 * A minimal Docker Engine API client: the endpoint from `DOCKER_HOST`, API version
 * negotiation through `/_ping`, and errors that name the engine.
 *
 * @module
 */
import { ConfigError, RegistryError } from "../../errors.ts";
import { unixSocketFetch } from "../../fs/unix_http.ts";
import type { TransportContext } from "../types.ts";

/** The Engine socket used when `DOCKER_HOST` is unset or empty. */
export const DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";

/** Where the Engine API is reached. */
export interface DockerEngineEndpoint {
  /** The `DOCKER_HOST` value in effect (the default when unset). */
  host: string;
  /** The base URL requests are made against (`http://docker` for a Unix socket). */
  baseUrl: string;
  /** The Unix socket path, for `unix://` hosts. */
  socketPath?: string;
  /** The `fetch` that reaches the engine. */
  fetch: typeof fetch;
}

/**
 * Resolves the Engine endpoint from `context.env.DOCKER_HOST`: `unix:///path`,
 * `tcp://host[:port]` (plain HTTP, or HTTPS when `DOCKER_TLS_VERIFY` is set; port 2375 or
 * 2376 by default), `http://` or `https://`.
 *
 * @throws {ConfigError} for other schemes (`ssh://`, `npipe://`, ...) or a malformed value.
 */
export function dockerEngineEndpoint(context: TransportContext): DockerEngineEndpoint {
  const env = context.env ?? {};
  const host = env.DOCKER_HOST || DEFAULT_DOCKER_HOST;
  const bad = (detail: string) => new ConfigError("DOCKER_HOST", `"${host}": ${detail}`);
  if (host.startsWith("unix://")) {
    const socketPath = host.slice("unix://".length) || "/var/run/docker.sock";
    return { host, baseUrl: "http://docker", socketPath, fetch: unixSocketFetch(socketPath) };
  }
  const fetcher = context.fetch ?? globalThis.fetch;
  const tls = Boolean(env.DOCKER_TLS_VERIFY);
  let url: URL;
  try {
    url = new URL(host);
  } catch (error) {
    throw new ConfigError("DOCKER_HOST", `"${host}": not a URL`, undefined, { cause: error });
  }
  let scheme: string;
  switch (url.protocol) {
    case "tcp:":
      scheme = tls ? "https" : "http";
      break;
    case "http:":
    case "https:":
      scheme = url.protocol.slice(0, -1);
      break;
    default:
      throw bad("only unix://, tcp://, http:// and https:// are supported");
  }
  if (url.hostname === "") throw bad("no host");
  const port = url.port || (url.protocol === "tcp:" ? (tls ? "2376" : "2375") : "");
  const path = url.pathname.replace(/\/+$/, "");
  const baseUrl = `${scheme}://${url.hostname}${port === "" ? "" : `:${port}`}${path}`;
  return { host, baseUrl, fetch: fetcher };
}

/** The engine's error text: the JSON `message`, else the body, else the status. */
export async function engineMessage(response: Response): Promise<string> {
  const text = (await response.text().catch(() => "")).trim();
  try {
    const doc = JSON.parse(text);
    if (typeof doc?.message === "string") return doc.message;
  } catch {
    // not JSON
  }
  return text === "" ? `HTTP ${response.status} ${response.statusText}`.trim() : text;
}

/** Talks to one Engine for one image (`what` names it in errors). */
export class DockerEngineClient {
  /** The endpoint requests go to. */
  readonly endpoint: DockerEngineEndpoint;
  readonly #what: string;
  readonly #signal: AbortSignal | undefined;
  readonly #env: Record<string, string | undefined>;
  #prefix: string | undefined;

  /** A client for the engine `context` points at, about the image `what`. */
  constructor(context: TransportContext, what: string) {
    this.endpoint = dockerEngineEndpoint(context);
    this.#what = what;
    this.#signal = context.signal;
    this.#env = context.env ?? {};
  }

  /**
   * The API version path prefix (`/v1.45`): `DOCKER_API_VERSION` if set, else the
   * engine's `Api-Version` from `/_ping`, else none (the engine's default).
   */
  async apiPrefix(): Promise<string> {
    if (this.#prefix !== undefined) return this.#prefix;
    let version = this.#env.DOCKER_API_VERSION;
    if (!version) {
      const response = await this.#send("/_ping", { method: "GET" });
      await response.body?.cancel();
      version = response.headers.get("Api-Version") ?? "";
    }
    this.#prefix = /^\d+\.\d+$/.test(version) ? `/v${version}` : "";
    return this.#prefix;
  }

  /** Sends a request to `path` (with the negotiated version prefix). */
  async request(path: string, init: RequestInit): Promise<Response> {
    return this.#send(`${await this.apiPrefix()}${path}`, init);
  }

  async #send(path: string, init: RequestInit): Promise<Response> {
    const { baseUrl, host } = this.endpoint;
    try {
      return await this.endpoint.fetch(`${baseUrl}${path}`, { ...init, signal: this.#signal });
    } catch (error) {
      if (this.#signal?.aborted) throw this.#signal.reason;
      const reason = error instanceof Error ? error.message : String(error);
      throw new RegistryError(
        this.#what,
        0,
        `cannot connect to the Docker daemon at ${host} (DOCKER_HOST): ${reason}`,
        { cause: error },
      );
    }
  }
}

/** A path segment for an image name, ID or digest reference, keeping `/`, `:` and `@`. */
export function imagePathSegment(name: string): string {
  return encodeURIComponent(name).replace(/%2F/gi, "/").replace(/%3A/gi, ":").replace(
    /%40/g,
    "@",
  );
}
