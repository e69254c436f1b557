/**
 * The OCI distribution API (`/v2/...`) as a Hono app over a {@linkcode RegistryStorage}:
 * pull and push of manifests and blobs, monolithic and chunked uploads, cross-repository
 * mounts, tag listing and the catalog, with `Link` pagination, and the v1 search API.
 *
 * @module
 */
import type { WebApp } from "../web_app.ts";
import { Hono } from "hono";
import type { Context } from "hono";
import { DigestMismatchError } from "../../errors.ts";
import { readLimited } from "../../streams/mod.ts";
import type { RegistryStorage, UploadSession } from "./storage.ts";

/** The largest manifest the endpoint accepts, in bytes. */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** The largest blob an upload may send, in bytes, unless configured otherwise (16 GiB). */
export const DEFAULT_MAX_UPLOAD_BYTES = 16 * 1024 * 1024 * 1024;

/** Raised inside an upload's byte stream when it passes the cap. */
class UploadTooLarge extends Error {}

/** `stream`, failing with {@linkcode UploadTooLarge} once more than `room` bytes passed. */
function capped(stream: ReadableStream<Uint8Array>, room: number): ReadableStream<Uint8Array> {
  let seen = 0;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > room) controller.error(new UploadTooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
}

const NAME_COMPONENT = "[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*";
const NAME_PATTERN = new RegExp(`^${NAME_COMPONENT}(?:/${NAME_COMPONENT})*$`);
const TAG_PATTERN = /^[\w][\w.-]{0,127}$/;
const DIGEST_PATTERN = /^(?:sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
const ROUTE_PATTERN =
  /^\/v2\/(.+)\/(manifests\/[^/]+|blobs\/uploads\/?[^/]*|blobs\/[^/]+|tags\/list)$/;

type ErrorCode =
  | "BLOB_UNKNOWN"
  | "BLOB_UPLOAD_INVALID"
  | "BLOB_UPLOAD_UNKNOWN"
  | "DIGEST_INVALID"
  | "MANIFEST_BLOB_UNKNOWN"
  | "MANIFEST_INVALID"
  | "MANIFEST_UNKNOWN"
  | "NAME_INVALID"
  | "NAME_UNKNOWN"
  | "SIZE_INVALID"
  | "UNSUPPORTED"
  | "RANGE_INVALID";

function registryError(c: Context, status: number, code: ErrorCode, message: string): Response {
  return c.json({ errors: [{ code, message, detail: null }] }, status as 400);
}

function paginate(items: string[], url: URL, path: string): { page: string[]; link?: string } {
  const last = url.searchParams.get("last");
  const n = Number(url.searchParams.get("n") ?? "0");
  let rest = last ? items.filter((item) => item > last) : items;
  if (Number.isInteger(n) && n > 0 && rest.length > n) {
    rest = rest.slice(0, n);
    const next = `${path}?n=${n}&last=${encodeURIComponent(rest[rest.length - 1])}`;
    return { page: rest, link: `<${next}>; rel="next"` };
  }
  return { page: rest };
}

async function readManifestBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(request.headers.get("content-length") ?? "-1");
  return declared > limit ? undefined : await readLimited(request.body, limit);
}

function referencedDigests(document: unknown): string[] {
  const doc = document as {
    config?: { digest?: unknown };
    layers?: { digest?: unknown }[];
    manifests?: { digest?: unknown }[];
  };
  const digests: string[] = [];
  if (typeof doc.config?.digest === "string") digests.push(doc.config.digest);
  for (const layer of Array.isArray(doc.layers) ? doc.layers : []) {
    if (typeof layer?.digest === "string") digests.push(layer.digest);
  }
  return digests;
}

function manifestChildren(document: unknown): string[] {
  const manifests = (document as { manifests?: { digest?: unknown }[] }).manifests;
  return Array.isArray(manifests)
    ? manifests.map((m) => m?.digest).filter((d): d is string => typeof d === "string")
    : [];
}

/** Options of {@linkcode distributionApp}. */
export interface DistributionOptions {
  /** The smallest chunk a chunked upload may send, advertised as `OCI-Chunk-Min-Length`. */
  chunkMinLength?: number;
  /**
   * The largest blob an upload may send; beyond it the upload is dropped and answered
   * 413. @default DEFAULT_MAX_UPLOAD_BYTES (16 GiB)
   */
  maxUploadBytes?: number;
}

/**
 * Builds the `/v2/` routes over `storage`.
 *
 * @example
 * ```ts
 * import { distributionApp, MemoryRegistryStorage } from "./mod.ts";
 * const app = distributionApp(new MemoryRegistryStorage());
 * const response = await app.request("/v2/");
 * console.log(response.status); // 200
 * ```
 */
export function distributionApp(
  storage: RegistryStorage,
  options: DistributionOptions = {},
): WebApp {
  return distributionRoutes(storage, options);
}

/** The Hono routes of {@linkcode distributionApp}, for mounting in a larger app. */
export function distributionRoutes(
  storage: RegistryStorage,
  options: DistributionOptions = {},
): Hono {
  const app = new Hono();
  const maxUpload = options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES;

  app.use("/v2/*", async (c, next) => {
    await next();
    c.header("Docker-Distribution-API-Version", "registry/2.0");
  });

  const ping = (c: Context) => {
    c.header("Docker-Distribution-API-Version", "registry/2.0");
    return c.json({});
  };
  app.get("/v2", ping);
  app.get("/v2/", ping);

  // The v1 search API (what `docker search` and `podman search` ask): repositories whose
  // name contains the query, which a plain distribution registry does not offer.
  app.get("/v1/search", async (c) => {
    const url = new URL(c.req.url);
    const query = (url.searchParams.get("q") ?? "").toLowerCase();
    const wanted = Number(url.searchParams.get("n") ?? "25");
    const limit = Number.isInteger(wanted) && wanted > 0 ? Math.min(wanted, 100) : 25;
    const matches = (await storage.listRepositories()).filter((name) => name.includes(query));
    const results = matches.slice(0, limit).map((name) => ({
      name,
      description: "",
      star_count: 0,
      is_official: false,
      is_automated: false,
    }));
    return c.json({ num_results: matches.length, query, results });
  });

  app.get("/v2/_catalog", async (c) => {
    const url = new URL(c.req.url);
    const { page, link } = paginate(await storage.listRepositories(), url, "/v2/_catalog");
    if (link) c.header("Link", link);
    return c.json({ repositories: page });
  });

  app.all("/v2/*", (c) => {
    const url = new URL(c.req.url);
    const match = ROUTE_PATTERN.exec(url.pathname);
    if (!match) return registryError(c, 404, "UNSUPPORTED", `no route for ${url.pathname}`);
    const name = decodeURIComponent(match[1]);
    const route = match[2];
    if (!NAME_PATTERN.test(name) || name.length > 255) {
      return registryError(c, 400, "NAME_INVALID", `invalid repository name "${name}"`);
    }
    const method = c.req.method;
    if (route === "tags/list" && method === "GET") return tagsList(c, name, url);
    if (route.startsWith("manifests/")) {
      return manifests(c, name, decodeURIComponent(route.slice("manifests/".length)), method);
    }
    if (route.startsWith("blobs/uploads")) {
      const id = route.slice("blobs/uploads".length).replace(/^\//, "");
      return uploads(c, name, id, method, url);
    }
    if (route.startsWith("blobs/")) {
      return blobs(c, name, decodeURIComponent(route.slice("blobs/".length)), method);
    }
    return registryError(c, 405, "UNSUPPORTED", `${method} is not supported on ${url.pathname}`);
  });

  async function tagsList(c: Context, name: string, url: URL): Promise<Response> {
    const tags = await storage.listTags(name);
    if (!tags) return registryError(c, 404, "NAME_UNKNOWN", `repository "${name}" not known`);
    const { page, link } = paginate(tags, url, `/v2/${name}/tags/list`);
    if (link) c.header("Link", link);
    return c.json({ name, tags: page });
  }

  async function manifests(
    c: Context,
    name: string,
    reference: string,
    method: string,
  ): Promise<Response> {
    const byDigest = reference.includes(":");
    if (byDigest ? !DIGEST_PATTERN.test(reference) : !TAG_PATTERN.test(reference)) {
      const code = byDigest ? "DIGEST_INVALID" : "MANIFEST_INVALID";
      return registryError(c, 400, code, `invalid reference "${reference}"`);
    }
    if (method === "GET" || method === "HEAD") {
      const manifest = await storage.getManifest(name, reference);
      if (!manifest) {
        return registryError(c, 404, "MANIFEST_UNKNOWN", `manifest "${name}:${reference}" unknown`);
      }
      const headers = {
        "Content-Type": manifest.mediaType,
        "Content-Length": String(manifest.bytes.byteLength),
        "Docker-Content-Digest": manifest.digest,
        "Docker-Distribution-API-Version": "registry/2.0",
      };
      return new Response(method === "HEAD" ? null : manifest.bytes as Uint8Array<ArrayBuffer>, {
        status: 200,
        headers,
      });
    }
    if (method === "PUT") {
      const bytes = await readManifestBody(c.req.raw, MAX_MANIFEST_BYTES);
      if (!bytes) {
        return registryError(c, 413, "SIZE_INVALID", `manifest larger than ${MAX_MANIFEST_BYTES}`);
      }
      let document: unknown;
      try {
        document = JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return registryError(c, 400, "MANIFEST_INVALID", "manifest is not valid JSON");
      }
      if (typeof document !== "object" || document === null) {
        return registryError(c, 400, "MANIFEST_INVALID", "manifest is not a JSON object");
      }
      for (const digest of referencedDigests(document)) {
        if ((await storage.blobSize(name, digest)) === undefined) {
          return registryError(c, 400, "MANIFEST_BLOB_UNKNOWN", `blob ${digest} unknown`);
        }
      }
      for (const digest of manifestChildren(document)) {
        if (!(await storage.getManifest(name, digest))) {
          return registryError(c, 400, "MANIFEST_UNKNOWN", `manifest ${digest} unknown`);
        }
      }
      const mediaType = c.req.header("content-type") ??
        (document as { mediaType?: string }).mediaType ??
        "application/vnd.oci.image.manifest.v1+json";
      let digest: string;
      try {
        digest = await storage.putManifest(name, reference, bytes, mediaType);
      } catch (error) {
        if (error instanceof DigestMismatchError) {
          return registryError(c, 400, "DIGEST_INVALID", error.message);
        }
        throw error;
      }
      return new Response(null, {
        status: 201,
        headers: {
          Location: `/v2/${name}/manifests/${digest}`,
          "Docker-Content-Digest": digest,
          "Docker-Distribution-API-Version": "registry/2.0",
        },
      });
    }
    if (method === "DELETE") {
      if (!(await storage.deleteManifest(name, reference))) {
        return registryError(c, 404, "MANIFEST_UNKNOWN", `manifest "${name}:${reference}" unknown`);
      }
      return new Response(null, { status: 202 });
    }
    return registryError(c, 405, "UNSUPPORTED", `${method} is not supported on manifests`);
  }

  async function blobs(c: Context, name: string, digest: string, method: string) {
    if (!DIGEST_PATTERN.test(digest)) {
      return registryError(c, 400, "DIGEST_INVALID", `invalid digest "${digest}"`);
    }
    const size = await storage.blobSize(name, digest);
    if (method === "DELETE") {
      if (!(await storage.deleteBlob(name, digest))) {
        return registryError(c, 404, "BLOB_UNKNOWN", `blob ${digest} unknown`);
      }
      return new Response(null, { status: 202 });
    }
    if (method !== "GET" && method !== "HEAD") {
      return registryError(c, 405, "UNSUPPORTED", `${method} is not supported on blobs`);
    }
    if (size === undefined) return registryError(c, 404, "BLOB_UNKNOWN", `blob ${digest} unknown`);
    const headers: Record<string, string> = {
      "Content-Type": "application/octet-stream",
      "Docker-Content-Digest": digest,
      "Accept-Ranges": "bytes",
      "Docker-Distribution-API-Version": "registry/2.0",
    };
    const range = /^bytes=(\d+)-(\d*)$/.exec(c.req.header("range") ?? "");
    let start = 0;
    let status = 200;
    if (range) {
      start = Number(range[1]);
      const end = range[2] === "" ? size - 1 : Number(range[2]);
      if (start >= size || end !== size - 1) {
        headers["Content-Range"] = `bytes */${size}`;
        return new Response(null, { status: 416, headers });
      }
      status = 206;
      headers["Content-Range"] = `bytes ${start}-${size - 1}/${size}`;
    }
    headers["Content-Length"] = String(size - start);
    if (method === "HEAD") return new Response(null, { status, headers });
    return new Response(await storage.readBlob(name, digest, start), { status, headers });
  }

  function uploadHeaders(name: string, id: string, size: number): Record<string, string> {
    const headers: Record<string, string> = {
      Location: `/v2/${name}/blobs/uploads/${id}`,
      "Docker-Upload-UUID": id,
      Range: `0-${Math.max(size - 1, 0)}`,
      "Content-Length": "0",
      "Docker-Distribution-API-Version": "registry/2.0",
    };
    if (options.chunkMinLength) headers["OCI-Chunk-Min-Length"] = String(options.chunkMinLength);
    return headers;
  }

  async function finish(c: Context, name: string, digest: string | null, session: {
    commit(digest: string): Promise<void>;
    cancel(): Promise<void>;
  }): Promise<Response> {
    if (!digest || !DIGEST_PATTERN.test(digest)) {
      await session.cancel();
      return registryError(c, 400, "DIGEST_INVALID", `invalid digest "${digest ?? ""}"`);
    }
    try {
      await session.commit(digest);
    } catch (error) {
      await session.cancel();
      if (error instanceof DigestMismatchError) {
        return registryError(c, 400, "DIGEST_INVALID", error.message);
      }
      throw error;
    }
    return new Response(null, {
      status: 201,
      headers: {
        Location: `/v2/${name}/blobs/${digest}`,
        "Docker-Content-Digest": digest,
        "Content-Length": "0",
        "Docker-Distribution-API-Version": "registry/2.0",
      },
    });
  }

  /**
   * Appends the request body to `session` within the size cap. A body past the cap, or one
   * that breaks off (the client went away), drops the whole upload; the first is answered
   * 413, the second rethrown.
   */
  async function appendBody(c: Context, session: UploadSession): Promise<Response | undefined> {
    const body = c.req.raw.body;
    if (!body) return undefined;
    const room = maxUpload - session.size;
    const tooLarge = () =>
      registryError(
        c,
        413,
        "SIZE_INVALID",
        `upload ${session.id} is larger than ${maxUpload} bytes`,
      );
    if (Number(c.req.header("content-length") ?? "0") > room) {
      await body.cancel().catch(() => {});
      await session.cancel();
      return tooLarge();
    }
    try {
      await session.append(capped(body, room));
    } catch (error) {
      await session.cancel();
      if (error instanceof UploadTooLarge) return tooLarge();
      throw error;
    }
    return undefined;
  }

  async function uploads(c: Context, name: string, id: string, method: string, url: URL) {
    if (id === "") {
      if (method !== "POST") {
        return registryError(c, 405, "UNSUPPORTED", `${method} is not supported on uploads`);
      }
      const mount = url.searchParams.get("mount");
      const from = url.searchParams.get("from");
      if (mount && from && DIGEST_PATTERN.test(mount) && NAME_PATTERN.test(from)) {
        if (await storage.mountBlob(name, mount, from)) {
          return new Response(null, {
            status: 201,
            headers: {
              Location: `/v2/${name}/blobs/${mount}`,
              "Docker-Content-Digest": mount,
              "Content-Length": "0",
            },
          });
        }
      }
      const session = await storage.startUpload(name);
      const digest = url.searchParams.get("digest");
      if (digest !== null) {
        return await appendBody(c, session) ?? await finish(c, name, digest, session);
      }
      return new Response(null, { status: 202, headers: uploadHeaders(name, session.id, 0) });
    }
    const session = await storage.findUpload(name, id);
    if (!session) return registryError(c, 404, "BLOB_UPLOAD_UNKNOWN", `upload ${id} unknown`);
    if (method === "GET") {
      return new Response(null, { status: 204, headers: uploadHeaders(name, id, session.size) });
    }
    if (method === "DELETE") {
      await session.cancel();
      return new Response(null, { status: 204 });
    }
    if (method === "PATCH" || method === "PUT") {
      const contentRange = c.req.header("content-range");
      if (contentRange) {
        const range = /^(?:bytes[ =])?(\d+)-(\d+)$/.exec(contentRange);
        if (!range || Number(range[1]) !== session.size) {
          return new Response(null, {
            status: 416,
            headers: uploadHeaders(name, id, session.size),
          });
        }
      }
      const refused = await appendBody(c, session);
      if (refused) return refused;
      if (method === "PATCH") {
        return new Response(null, { status: 202, headers: uploadHeaders(name, id, session.size) });
      }
      return finish(c, name, url.searchParams.get("digest"), session);
    }
    return registryError(c, 405, "UNSUPPORTED", `${method} is not supported on uploads`);
  }

  return app;
}
