/**
 * The Docker Engine API's image routes (`/images/...`) over a {@linkcode Runtime}: list,
 * pull and import, inspect, history, tag, remove, save, load, search and prune.
 *
 * Image names may contain slashes (`/images/docker.io/library/alpine:latest/json`), so
 * every `/images/*` request is dispatched by hand on its last path segment.
 *
 * @module
 */
import { Hono } from "hono";
import type { Context } from "hono";
import type { Runtime } from "../runtime/mod.ts";
import {
  dockerFilters,
  errorResponse,
  filterStrings,
  HttpError,
  jsonLines,
  queryBool,
  streamResponse,
} from "./_http.ts";
import { dockerReference, familiar, lookupDocker, operand, prefixedId } from "./_docker_names.ts";
import { authOptions, decodeRegistryAuth, pullWithProgress } from "./_pull_stream.ts";
import {
  dockerHistory,
  dockerImageSummary,
  dockerInspect,
  removalReport,
} from "./_docker_shapes.ts";
import { extras } from "./_runtime_extras.ts";
import { pushTargets, pushWithProgress } from "./_push_stream.ts";
import { loopbackTls } from "./_loopback.ts";
import type { EventLog } from "./event_log.ts";

const MAX_NAME = 512;

function imageName(raw: string): string {
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new HttpError(400, `invalid image name "${raw}"`);
  }
  if (name === "" || name.length > MAX_NAME || /[\s\\]|\.\.|^\//.test(name)) {
    throw new HttpError(400, `invalid image name "${name}"`);
  }
  return name;
}

/**
 * The byte cap of `POST /images/load` and `POST /images/create?fromSrc=-`: 8 GiB (or the
 * runtime's `maxLoadBytes` if smaller), for the upload and (on its own) for what it
 * expands to.
 */
export const SERVER_MAX_UPLOAD_BYTES = 8 * 1024 ** 3;

/** The image cap of `POST /images/load` (each name counting): 1000, or the runtime's if smaller. */
export const SERVER_MAX_LOAD_IMAGES = 1000;

/** How often an upload route writes a blank line while its work runs, in milliseconds. */
const HEARTBEAT_MS = 1000;
const BLANK_LINE = new Uint8Array([0x0a]);

/**
 * The JSON lines of an upload route (load, import), with a blank line (whitespace, which
 * JSON-stream readers skip) every second while the work runs. A client that goes away
 * mid-upload fails the request body; one that goes away after it is noticed by a write
 * (Deno's server notices nothing else), and the failed write cancels this stream, which
 * aborts the work (the signal `run` gets).
 */
function uploadLines(
  run: (send: (value: unknown) => void, signal: AbortSignal) => Promise<void>,
): ReadableStream<Uint8Array> {
  const reader = jsonLines(run).getReader();
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => clearInterval(timer);
  return new ReadableStream<Uint8Array>({
    start(controller) {
      timer = setInterval(() => {
        try {
          controller.enqueue(BLANK_LINE);
        } catch {
          stop();
        }
      }, HEARTBEAT_MS);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) return controller.enqueue(value);
      stop();
      controller.close();
    },
    cancel(reason) {
      stop();
      return reader.cancel(reason);
    },
  });
}

/** The request body, or an empty stream. */
function requestBody(c: Context): ReadableStream<Uint8Array> {
  return c.req.raw.body ?? new ReadableStream({ start: (ctl) => ctl.close() });
}

function notImplemented(what: string): never {
  throw new HttpError(501, `stevedore does not implement ${what} yet`);
}

/** Builds the `/images` routes of the Docker Engine API over `runtime`. */
export function imageRoutes(runtime: Runtime, log?: EventLog): Hono {
  const app = new Hono();
  const more = extras(runtime, log);

  app.get("/images/json", async (c) => {
    const url = new URL(c.req.url);
    const filters = filterStrings(dockerFilters(url));
    if (!queryBool(url, "all")) filters.push("intermediate=false");
    const images = await runtime.listImages({ filters });
    return c.json(images.map(dockerImageSummary));
  });

  app.post("/images/create", (c) => {
    const url = new URL(c.req.url);
    const fromImage = url.searchParams.get("fromImage");
    const fromSrc = url.searchParams.get("fromSrc");
    if (fromSrc !== null) return importImage(c, url, fromSrc);
    if (!fromImage) throw new HttpError(400, "fromImage or fromSrc is required");
    const reference = dockerReference(fromImage, url.searchParams.get("tag") ?? "");
    const auth = decodeRegistryAuth(c.req.header("x-registry-auth"));
    const platform = url.searchParams.get("platform");
    const body = jsonLines((send, signal) =>
      pullWithProgress(
        runtime,
        reference,
        { ...authOptions(auth), ...(platform ? { platform } : {}), signal },
        send,
      )
    );
    return streamResponse(body);
  });

  function importImage(c: Context, url: URL, fromSrc: string): Response {
    const importer = more.importImage;
    if (!importer) notImplemented("image import (fromSrc)");
    if (fromSrc !== "-") throw new HttpError(400, "only fromSrc=- (the request body) is supported");
    const repo = url.searchParams.get("repo") ?? "";
    const reference = repo === ""
      ? undefined
      : dockerReference(repo, url.searchParams.get("tag") ?? "");
    const changes = url.searchParams.getAll("changes");
    const message = url.searchParams.get("message") ?? undefined;
    const body = requestBody(c);
    return streamResponse(uploadLines(async (send, signal) => {
      const id = await importer(body, {
        reference,
        changes,
        message,
        signal,
        maxBytes: Math.min(SERVER_MAX_UPLOAD_BYTES, runtime.loadLimits.maxBytes),
      });
      send({ status: prefixedId(id) });
    }));
  }

  app.get("/images/search", async (c) => {
    const search = more.search;
    if (!search) notImplemented("image search");
    const url = new URL(c.req.url);
    const term = url.searchParams.get("term") ?? "";
    if (term === "") throw new HttpError(400, "term is required");
    const limit = Number(url.searchParams.get("limit") ?? "25");
    const filters = filterStrings(dockerFilters(url));
    const auth = decodeRegistryAuth(c.req.header("x-registry-auth"));
    const results = await search(term, {
      limit: Number.isInteger(limit) && limit > 0 ? limit : 25,
      filters,
      ...authOptions(auth),
      ...loopbackTls(term),
    });
    return c.json(results.map((r) => ({
      name: r.name,
      description: r.description ?? "",
      star_count: r.stars ?? 0,
      is_official: r.official ?? false,
      is_automated: r.automated ?? false,
    })));
  });

  app.post("/images/prune", async (c) => {
    const url = new URL(c.req.url);
    const filters = dockerFilters(url);
    const dangling = filters.get("dangling");
    filters.delete("dangling");
    const all = dangling?.some((v) => v === "false" || v === "0") ?? false;
    const result = await runtime.prune({ all, filters: filterStrings(filters) });
    if (result.errors.length > 0) throw result.errors[0];
    const deleted = result.reports.flatMap(removalReport);
    const reclaimed = result.reports.reduce((sum, r) => sum + (r.removed ? r.size : 0), 0);
    return c.json({
      ImagesDeleted: deleted.length > 0 ? deleted : null,
      SpaceReclaimed: reclaimed,
    });
  });

  app.post("/images/load", (c) => {
    const load = more.load;
    if (!load) notImplemented("image load");
    const body = requestBody(c);
    return streamResponse(uploadLines(async (send, signal) => {
      const names = await load(body, {
        signal,
        maxBytes: Math.min(SERVER_MAX_UPLOAD_BYTES, runtime.loadLimits.maxBytes),
        maxImages: Math.min(SERVER_MAX_LOAD_IMAGES, runtime.loadLimits.maxImages),
      });
      for (const name of names) {
        const shown = /^[0-9a-f]{64}$/.test(name)
          ? `Loaded image ID: sha256:${name}`
          : `Loaded image: ${familiar(name)}`;
        send({ stream: `${shown}\n` });
      }
    }));
  });

  app.get("/images/get", (c) => {
    const url = new URL(c.req.url);
    return saveImages(c, url.searchParams.getAll("names").flatMap((n) => n.split(",")));
  });

  async function saveImages(_c: Context, names: string[]): Promise<Response> {
    const save = more.save;
    if (!save) notImplemented("image save");
    if (names.length === 0) throw new HttpError(400, "no image names given");
    const resolved: string[] = [];
    const announced: [string, string][] = [];
    for (const name of names) {
      const found = await lookupDocker(runtime, imageName(name));
      resolved.push(found.byId || found.resolvedName === "" ? found.image.id : found.resolvedName);
      announced.push([found.image.id, found.resolvedName || prefixedId(found.image.id)]);
    }
    for (const [id, name] of announced) log?.nameSave(id, name);
    const pipe = new TransformStream<Uint8Array, Uint8Array>();
    save(resolved, pipe.writable).catch(() => {
      pipe.writable.abort().catch(() => {});
    });
    return new Response(pipe.readable, { headers: { "Content-Type": "application/x-tar" } });
  }

  app.all("/images/*", async (c) => {
    const url = new URL(c.req.url);
    const rest = c.req.path.slice("/images/".length);
    const method = c.req.method;
    if (method === "DELETE") {
      const found = await lookupDocker(runtime, imageName(rest));
      const result = await runtime.removeImages([operand(found)], {
        force: queryBool(url, "force"),
        noPrune: queryBool(url, "noprune"),
      });
      if (result.errors.length > 0) throw result.errors[0];
      return c.json(result.reports.flatMap(removalReport));
    }
    const slash = rest.lastIndexOf("/");
    const action = slash < 0 ? "" : rest.slice(slash + 1);
    const name = slash < 0 ? "" : imageName(rest.slice(0, slash));
    if (method === "GET" && action === "json") {
      const found = await lookupDocker(runtime, name);
      const data = await runtime.inspect(found.image.id, { withSize: true, withParent: true });
      return c.json(dockerInspect(found.image, data));
    }
    if (method === "GET" && action === "history") {
      const found = await lookupDocker(runtime, name);
      return c.json(dockerHistory(await runtime.history(found.image.id)));
    }
    if (method === "GET" && action === "get") return await saveImages(c, [name]);
    if (method === "POST" && action === "tag") {
      const repo = url.searchParams.get("repo");
      if (!repo) throw new HttpError(400, "repo is required");
      const target = dockerReference(repo, url.searchParams.get("tag") ?? "");
      const found = await lookupDocker(runtime, name);
      await runtime.tag(found.image.id, target);
      return c.body(null, 201);
    }
    if (method === "POST" && action === "push") {
      const targets = await pushTargets(runtime, name, url.searchParams.get("tag") ?? "");
      const auth = decodeRegistryAuth(c.req.header("x-registry-auth"));
      return streamResponse(
        jsonLines((send, signal) => pushWithProgress(runtime, targets, auth, send, signal)),
      );
    }
    throw new HttpError(404, `page not found: ${method} /images/${rest}`);
  });

  app.onError((error) => errorResponse(error));
  return app;
}
