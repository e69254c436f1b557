/**
 * stevedore's own JSON API (`/stevedore/v1/...`) for what the Docker Engine API has no
 * word for: the libimage view of images, layer trees, disk usage and manifest lists.
 * Image names travel in the `name` query parameter, so they may contain slashes.
 *
 * @module
 */
import { Hono } from "hono";
import type { Runtime } from "../runtime/mod.ts";
import { HttpError, readJson } from "./_http.ts";

function requiredName(url: URL): string {
  const name = url.searchParams.get("name") ?? "";
  if (name === "" || name.length > 512) throw new HttpError(400, "the name parameter is required");
  return name;
}

/** Options of {@linkcode stevedoreRoutes}. */
export interface StevedoreRoutesOptions {
  /** The folder `POST /stevedore/v1/images/unpack` writes into. @default none (disabled) */
  unpackRoot?: string;
}

const SAFE_DIR = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** Builds the `/stevedore/v1` routes over `runtime`. */
export function stevedoreRoutes(runtime: Runtime, options: StevedoreRoutesOptions = {}): Hono {
  const app = new Hono();

  app.get("/stevedore/v1/images", async (c) => {
    const url = new URL(c.req.url);
    const filters = url.searchParams.getAll("filter");
    return c.json(await runtime.listImages({ filters }));
  });

  app.get("/stevedore/v1/images/inspect", async (c) => {
    const name = requiredName(new URL(c.req.url));
    return c.json(await runtime.inspect(name, { withSize: true, withParent: true }));
  });

  app.get("/stevedore/v1/images/history", async (c) => {
    return c.json(await runtime.history(requiredName(new URL(c.req.url))));
  });

  app.get("/stevedore/v1/images/tree", async (c) => {
    const url = new URL(c.req.url);
    const whatRequires = url.searchParams.get("whatRequires") === "true";
    const text = await runtime.tree(requiredName(url), { whatRequires });
    return c.text(text);
  });

  app.get("/stevedore/v1/disk-usage", async (c) => c.json(await runtime.diskUsage()));

  app.post("/stevedore/v1/images/tag", async (c) => {
    const body = await readJson<{ name?: unknown; newName?: unknown }>(c.req.raw, {});
    if (typeof body.name !== "string" || typeof body.newName !== "string") {
      throw new HttpError(400, "name and newName (strings) are required");
    }
    const record = await runtime.tag(body.name, body.newName);
    return c.json(record, 201);
  });

  app.post("/stevedore/v1/images/untag", async (c) => {
    const body = await readJson<{ name?: unknown; oldName?: unknown }>(c.req.raw, {});
    if (typeof body.name !== "string" || typeof body.oldName !== "string") {
      throw new HttpError(400, "name and oldName (strings) are required");
    }
    return c.json(await runtime.untag(body.name, body.oldName));
  });

  app.get("/stevedore/v1/manifests", async (c) => {
    const list = await runtime.lookupManifestList(requiredName(new URL(c.req.url)));
    return c.json({ id: list.id, manifest: await list.inspect() });
  });

  app.post("/stevedore/v1/manifests", async (c) => {
    const body = await readJson<{ name?: unknown; images?: unknown; all?: unknown }>(
      c.req.raw,
      {},
    );
    if (typeof body.name !== "string") throw new HttpError(400, "name (a string) is required");
    const images = body.images ?? [];
    if (!Array.isArray(images) || !images.every((i) => typeof i === "string")) {
      throw new HttpError(400, "images must be an array of strings");
    }
    const list = await runtime.createManifestList(body.name);
    for (const image of images as string[]) await list.add(image, { all: body.all === true });
    return c.json({ id: list.id, manifest: await list.inspect() }, 201);
  });

  app.post("/stevedore/v1/images/unpack", async (c) => {
    if (options.unpackRoot === undefined) {
      throw new HttpError(403, "unpacking is disabled: start the server with an unpack root");
    }
    const body = await readJson<{ name?: unknown; dest?: unknown; platform?: unknown }>(
      c.req.raw,
      {},
    );
    if (typeof body.name !== "string" || typeof body.dest !== "string") {
      throw new HttpError(400, "name and dest (strings) are required");
    }
    if (!SAFE_DIR.test(body.dest) || body.dest === "." || body.dest === "..") {
      throw new HttpError(400, `invalid dest "${body.dest}": one plain folder name is expected`);
    }
    const dir = `${options.unpackRoot.replace(/\/+$/, "")}/${body.dest}`;
    const result = await runtime.unpack(body.name, dir, {
      ...(typeof body.platform === "string" ? { platform: body.platform } : {}),
    });
    return c.json({ id: result.image.id, dir: result.dir, layers: result.layers }, 201);
  });

  app.all("/stevedore/*", (c) => {
    throw new HttpError(404, `no stevedore route ${c.req.method} ${c.req.path}`);
  });
  return app;
}
