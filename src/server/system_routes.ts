/**
 * The Docker Engine API's system routes: `/_ping`, `/version`, `/info`, `/auth` (a login
 * checked against the registry), `/system/df` (the images part) and `/events` (image
 * events as Docker event messages), plus API version handling.
 *
 * @module
 */
import { Hono } from "hono";
import type { Runtime } from "../runtime/mod.ts";
import type { FetchLike } from "../registry/mod.ts";
import { familiar } from "./_docker_names.ts";
import { dockerImageSummary } from "./_docker_shapes.ts";
import { dockerFilters, HttpError, jsonLines, readJson, streamResponse } from "./_http.ts";
import { checkLogin, type LoginRequest } from "./_registry_login.ts";
import type { EventLog, ServerEvent } from "./event_log.ts";
import { runtimeParts } from "../runtime/mod.ts";

/** The Engine API version the server speaks. */
export const API_VERSION = "1.47";
/** The oldest Engine API version the server accepts. */
export const MIN_API_VERSION = "1.24";
/** The version the server reports. */
export const SERVER_VERSION = "0.1.0";

const VERSION_PREFIX = /^\/v(\d+)\.(\d+)(?=\/)/;

function compareVersion(major: number, minor: number, version: string): number {
  const [m, n] = version.split(".").map(Number);
  return major !== m ? major - m : minor - n;
}

/** The request path without a `/vX.Y` prefix. */
export function stripVersion(path: string): string {
  return path.replace(VERSION_PREFIX, "");
}

/** Refuses a `/vX.Y/` prefix outside the supported range, as the Docker daemon does. */
export function checkVersion(path: string): void {
  const match = VERSION_PREFIX.exec(path);
  if (!match) return;
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (compareVersion(major, minor, API_VERSION) > 0) {
    throw new HttpError(
      400,
      `client version ${major}.${minor} is too new. Maximum supported API version is ${API_VERSION}`,
    );
  }
  if (compareVersion(major, minor, MIN_API_VERSION) < 0) {
    throw new HttpError(
      400,
      `client version ${major}.${minor} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`,
    );
  }
}

/** The headers every Engine API answer carries. */
export const ENGINE_HEADERS: Record<string, string> = {
  "Api-Version": API_VERSION,
  "Docker-Experimental": "false",
  Ostype: "linux",
  Server: `stevedore/${SERVER_VERSION}`,
};

const EVENT_ACTIONS: Record<string, string> = { remove: "delete" };

function parseTime(value: string | null, fallback: number): number {
  if (value === null || value === "") return fallback;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) throw new HttpError(400, `invalid time "${value}"`);
  return date;
}

/** A Docker event message for an image event. */
export function dockerEvent(event: ServerEvent): Record<string, unknown> {
  const action = EVENT_ACTIONS[event.type] ?? event.type;
  const imageId = event.id === "" ? "" : `sha256:${event.id}`;
  const name = event.name === "" ? "" : familiar(event.name);
  const byName = action === "pull" || action === "push" || imageId === "";
  const id = byName ? name : imageId;
  const attributes: Record<string, string> = {
    name: byName ? name.replace(/[:@][^:/@]*$/, "") : name || imageId,
  };
  if (event.error) attributes.error = event.error;
  return {
    status: action,
    id,
    Type: "image",
    Action: action,
    Actor: { ID: id, Attributes: attributes },
    scope: "local",
    time: Math.floor(event.time.getTime() / 1000),
    timeNano: event.time.getTime() * 1_000_000,
  };
}

function matches(event: ServerEvent, filters: Map<string, string[]>): boolean {
  const types = filters.get("type");
  if (types && types.length > 0 && !types.includes("image")) return false;
  const actions = filters.get("event");
  const action = EVENT_ACTIONS[event.type] ?? event.type;
  if (actions && actions.length > 0 && !actions.includes(action)) return false;
  const images = filters.get("image");
  if (images && images.length > 0) {
    const known = [event.name, event.id, `sha256:${event.id}`];
    if (
      !images.some((image) => known.some((k) => k !== "" && (k === image || k.startsWith(image))))
    ) {
      return false;
    }
  }
  return true;
}

/** Options of {@linkcode systemRoutes}. */
export interface SystemRoutesOptions {
  /** The `fetch` registries are reached with (`/auth`). @default globalThis.fetch */
  fetch?: FetchLike;
}

/**
 * Builds `/_ping`, `/version`, `/info`, `/auth`, `/system/df` and `/events` over `runtime`
 * and its event log.
 */
export function systemRoutes(
  runtime: Runtime,
  log: EventLog,
  options: SystemRoutesOptions = {},
): Hono {
  const app = new Hono();
  const ping = (head: boolean) => () =>
    new Response(head ? null : "OK", {
      headers: {
        ...ENGINE_HEADERS,
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-cache, no-store, must-revalidate",
        Pragma: "no-cache",
      },
    });
  app.get("/_ping", ping(false));
  app.on("HEAD", "/_ping", ping(true));

  app.get("/version", (c) => {
    const platform = runtime.platform;
    return c.json({
      Platform: { Name: "stevedore" },
      Components: [{ Name: "stevedore", Version: SERVER_VERSION, Details: {} }],
      Version: SERVER_VERSION,
      ApiVersion: API_VERSION,
      MinAPIVersion: MIN_API_VERSION,
      GitCommit: "",
      GoVersion: "",
      Os: platform.os,
      Arch: platform.architecture,
      KernelVersion: "",
      BuildTime: "",
    });
  });

  app.get("/info", async (c) => {
    const images = await runtimeParts(runtime).store.images();
    const platform = runtime.platform;
    return c.json({
      ID: "stevedore",
      Containers: 0,
      ContainersRunning: 0,
      ContainersPaused: 0,
      ContainersStopped: 0,
      Images: images.length,
      Driver: "stevedore",
      DriverStatus: [["Root Dir", runtimeParts(runtime).store.root]],
      OSType: platform.os,
      Architecture: platform.architecture,
      OperatingSystem: "stevedore",
      Name: "stevedore",
      ServerVersion: SERVER_VERSION,
      NCPU: 0,
      MemTotal: 0,
      IndexServerAddress: "https://index.docker.io/v1/",
      RegistryConfig: { IndexConfigs: {}, InsecureRegistryCIDRs: [] },
      Plugins: { Volume: [], Network: [], Authorization: null, Log: [] },
      Warnings: [
        "stevedore serves images only: containers, networks and volumes are not implemented",
      ],
    });
  });

  app.post("/auth", async (c) => {
    const request = await readJson<LoginRequest>(c.req.raw, {});
    if (typeof request !== "object" || request === null) {
      throw new HttpError(400, "the login request is not a JSON object");
    }
    const parts = runtimeParts(runtime);
    const result = await checkLogin(request, {
      registriesConf: await parts.registriesConf(),
      ...(options.fetch ? { fetch: options.fetch } : { tls: parts.registryTls }),
    });
    return c.json(result);
  });

  app.get("/system/df", async (c) => {
    const usage = await runtime.diskUsage();
    const shared = new Map(usage.images.map((row) => [row.id, row.sharedSize]));
    const images = await runtime.listImages({ filters: ["intermediate=false"] });
    return c.json({
      LayersSize: usage.totalSize,
      Images: images.map((image) => ({
        ...dockerImageSummary(image),
        SharedSize: shared.get(image.id) ?? 0,
      })),
      Containers: [],
      Volumes: [],
      BuildCache: [],
    });
  });

  app.get("/events", (c) => {
    const url = new URL(c.req.url);
    const since = parseTime(url.searchParams.get("since"), Date.now());
    const untilParam = url.searchParams.get("until");
    let until = parseTime(untilParam, Number.POSITIVE_INFINITY);
    // Whole seconds (what the client sends for `--until 0s`) include that whole second.
    if (untilParam !== null && /^\d+$/.test(untilParam)) until += 999;
    const filters = dockerFilters(url);
    // The stream's cancellation ends the follow (a request signal may fire as soon as the
    // response starts, on Deno).
    const body = jsonLines(async (send, cancelled) => {
      for await (const event of log.follow(since, until, cancelled)) {
        if (matches(event, filters)) send(dockerEvent(event));
      }
    });
    return streamResponse(body);
  });

  return app;
}
