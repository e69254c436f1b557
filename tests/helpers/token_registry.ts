/**
 * An in-process fake registry for tests: a `fetch`-compatible function (Request in,
 * Response out, no socket) that serves a registry host, a token server and a "CDN" host.
 * It issues Bearer (or Basic) challenges, hands out scoped tokens for Basic credentials,
 * anonymous requests and refresh-token grants, keeps manifests and blobs in memory,
 * accepts monolithic and chunked uploads and mounts, paginates tags and the catalog, and
 * answers v1 searches. Scripted faults make it fail on purpose: error statuses (with
 * `Retry-After`), network errors, blob bodies cut after N bytes, corrupted bytes, ignored
 * `Range` headers and redirects to the CDN.
 *
 * @module
 */
import { createHash, randomUUID } from "node:crypto";

/** A deliberate misbehaviour. */
export type Fault =
  | { status: number; headers?: Record<string, string>; body?: string }
  | { networkError: true }
  | { cutAfter: number }
  | { corrupt: true }
  | { ignoreRange: true }
  | { redirectToCdn: true };

/** When a fault applies: method and path (a substring or pattern), for `times` requests. */
export interface FaultRule {
  method?: string;
  path?: string | RegExp;
  /** How many matching requests it hits. @default 1 */
  times?: number;
  fault: Fault;
}

/** A request as the fake saw it. */
export interface SeenRequest {
  method: string;
  url: URL;
  headers: Headers;
}

/** Options of {@linkcode TokenRegistry}. */
export interface TokenRegistryOptions {
  /** @default "registry.test" */
  host?: string;
  /** @default "auth.test" */
  authHost?: string;
  /** @default "cdn.test" */
  cdnHost?: string;
  /** How clients authenticate. @default "bearer" */
  auth?: "bearer" | "basic" | "none";
  /** User names and passwords. @default {} */
  users?: Record<string, string>;
  /** Refresh (identity) tokens and the user each stands for. @default {} */
  identityTokens?: Record<string, string>;
  /** Whether anonymous tokens may pull. @default true */
  anonymousPull?: boolean;
  /** `expires_in` of issued tokens. @default 300 */
  tokenSeconds?: number;
  /** The `OCI-Chunk-Min-Length` announced for uploads. @default none */
  chunkMinLength?: number;
  /** The clock, for token expiry. @default Date.now */
  now?: () => number;
}

interface IssuedToken {
  access: Set<string>; // "repo:action" or "registry:catalog"
  expiresAt: number;
  user?: string;
}

interface Upload {
  repo: string;
  parts: Uint8Array[];
  size: number;
}

/** The sha256 digest of bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

function errorBody(status: number, code: string, message: string, headers = {}): Response {
  return json(status, { errors: [{ code, message }] }, headers);
}

/** A blob body that errors after `cut` bytes, or flips a byte, as faults ask. */
function body(bytes: Uint8Array, fault: Fault | undefined): BodyInit {
  if (fault && "corrupt" in fault) {
    const copy = bytes.slice();
    if (copy.byteLength > 0) copy[copy.byteLength >> 1] ^= 0xff;
    return copy;
  }
  if (fault && "cutAfter" in fault) {
    const head = bytes.subarray(0, fault.cutAfter);
    return new ReadableStream<Uint8Array>({
      start(controller) {
        if (head.byteLength > 0) controller.enqueue(head.slice());
      },
      pull(controller) {
        controller.error(new TypeError("connection reset (scripted fault)"));
      },
    });
  }
  return bytes.slice();
}

/** The fake registry; pass `registry.fetch` to the client. */
export class TokenRegistry {
  readonly host: string;
  readonly authHost: string;
  readonly cdnHost: string;
  /** Every request seen, in order. */
  readonly requests: SeenRequest[] = [];
  /** Blob contents by digest. */
  readonly blobs = new Map<string, Uint8Array>();
  /** Which repositories hold which blobs. */
  readonly repoBlobs = new Map<string, Set<string>>();
  /** Manifests by repository, then by tag or digest. */
  readonly manifests = new Map<string, Map<string, { bytes: Uint8Array; mediaType: string }>>();
  readonly #options: TokenRegistryOptions;
  readonly #tokens = new Map<string, IssuedToken>();
  readonly #refreshTokens = new Map<string, string>();
  readonly #uploads = new Map<string, Upload>();
  readonly #faults: FaultRule[] = [];
  readonly #now: () => number;

  constructor(options: TokenRegistryOptions = {}) {
    this.#options = options;
    this.host = options.host ?? "registry.test";
    this.authHost = options.authHost ?? "auth.test";
    this.cdnHost = options.cdnHost ?? "cdn.test";
    this.#now = options.now ?? Date.now;
  }

  /** The `fetch`-compatible entry point. */
  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = new Request(input, init);
    if (request.signal.aborted) throw request.signal.reason; // as fetch does
    const url = new URL(request.url);
    this.requests.push({ method: request.method, url, headers: new Headers(request.headers) });
    const fault = this.#takeFault(request.method, url);
    if (fault && "networkError" in fault) throw new TypeError("fetch failed (scripted fault)");
    if (fault && "status" in fault) {
      return new Response(fault.body ?? "", { status: fault.status, headers: fault.headers });
    }
    if (url.host === this.authHost) return await this.#tokenEndpoint(request, url);
    if (url.host === this.cdnHost) return this.#cdn(url, fault);
    if (url.host === this.host) return await this.#registry(request, url, fault);
    throw new TypeError(`fetch failed: unknown host ${url.host}`);
  };

  /** Scripts a fault. */
  addFault(rule: FaultRule): void {
    this.#faults.push({ times: 1, ...rule });
  }

  /** Makes every token issued so far invalid (the registry answers 401 to them). */
  revokeTokens(): void {
    this.#tokens.clear();
  }

  /** Requests to one host (and optionally a path substring). */
  seen(host: string, path?: string): SeenRequest[] {
    return this.requests.filter((r) =>
      r.url.host === host && (path === undefined || r.url.pathname.includes(path))
    );
  }

  /** Stores a blob in a repository; returns its digest. */
  seedBlob(repo: string, bytes: Uint8Array): string {
    const digest = sha256(bytes);
    this.blobs.set(digest, bytes.slice());
    this.#repoBlobSet(repo).add(digest);
    return digest;
  }

  /** Stores a manifest under its digest and, if given, a tag; returns its digest. */
  seedManifest(repo: string, bytes: Uint8Array, mediaType: string, tag?: string): string {
    const digest = sha256(bytes);
    const repoManifests = this.manifests.get(repo) ?? new Map();
    this.manifests.set(repo, repoManifests);
    repoManifests.set(digest, { bytes: bytes.slice(), mediaType });
    if (tag !== undefined) repoManifests.set(tag, { bytes: bytes.slice(), mediaType });
    return digest;
  }

  #repoBlobSet(repo: string): Set<string> {
    const set = this.repoBlobs.get(repo) ?? new Set<string>();
    this.repoBlobs.set(repo, set);
    return set;
  }

  #takeFault(method: string, url: URL): Fault | undefined {
    for (const rule of this.#faults) {
      if ((rule.times ?? 0) <= 0) continue;
      if (rule.method !== undefined && rule.method !== method) continue;
      const path = url.pathname + url.search;
      if (typeof rule.path === "string" && !path.includes(rule.path)) continue;
      if (rule.path instanceof RegExp && !rule.path.test(path)) continue;
      rule.times = (rule.times ?? 1) - 1;
      return rule.fault;
    }
    return undefined;
  }

  // ---- token server ------------------------------------------------------------------

  async #tokenEndpoint(request: Request, url: URL): Promise<Response> {
    let scopes: string[];
    let user: string | undefined;
    if (request.method === "POST") {
      const form = new URLSearchParams(await request.text());
      scopes = (form.get("scope") ?? "").split(" ").filter((s) => s !== "");
      if (form.get("grant_type") !== "refresh_token" || form.get("client_id") === null) {
        return json(400, { error: "unsupported_grant_type" });
      }
      const refresh = form.get("refresh_token") ?? "";
      user = this.#options.identityTokens?.[refresh] ?? this.#refreshTokens.get(refresh);
      if (user === undefined) return json(401, { error: "invalid_grant" });
    } else {
      scopes = url.searchParams.getAll("scope");
      const basic = this.#basicUser(request);
      if (basic === null) return json(401, { details: "incorrect username or password" });
      user = basic;
    }
    const access = new Set<string>();
    for (const scope of scopes) {
      const first = scope.indexOf(":");
      const last = scope.lastIndexOf(":");
      const type = scope.slice(0, first);
      const name = scope.slice(first + 1, last);
      for (const action of scope.slice(last + 1).split(",")) {
        if (type === "registry" && name === "catalog" && user) access.add("registry:catalog");
        if (type !== "repository") continue;
        if (user !== undefined || (action === "pull" && this.#options.anonymousPull !== false)) {
          access.add(`${name}:${action}`);
        }
      }
    }
    const token = randomUUID();
    const seconds = this.#options.tokenSeconds ?? 300;
    this.#tokens.set(token, { access, user, expiresAt: this.#now() + seconds * 1000 });
    if (request.method === "POST") {
      return json(200, { access_token: token, expires_in: seconds, scope: scopes.join(" ") });
    }
    const answer: Record<string, unknown> = {
      token,
      expires_in: seconds,
      issued_at: new Date(this.#now()).toISOString(),
    };
    // An offline token (what `docker login` asks for) is a refresh token for later grants.
    if (url.searchParams.get("offline_token") === "true" && user !== undefined) {
      const refresh = randomUUID();
      this.#refreshTokens.set(refresh, user);
      answer.refresh_token = refresh;
    }
    return json(200, answer);
  }

  /** `undefined` for no credentials, `null` for wrong ones, else the user name. */
  #basicUser(request: Request): string | undefined | null {
    const header = request.headers.get("authorization");
    if (!header) return undefined;
    if (!header.startsWith("Basic ")) return null;
    const decoded = new TextDecoder().decode(
      Uint8Array.from(atob(header.slice(6)), (c) => c.charCodeAt(0)),
    );
    const colon = decoded.indexOf(":");
    const name = decoded.slice(0, colon);
    return colon > 0 && this.#options.users?.[name] === decoded.slice(colon + 1) ? name : null;
  }

  // ---- registry ----------------------------------------------------------------------

  /** Checks the request's credentials against what it needs; a Response means "refused". */
  #authorize(request: Request, need: string | undefined): Response | undefined {
    const mode = this.#options.auth ?? "bearer";
    if (mode === "none") return undefined;
    if (mode === "basic") {
      const user = this.#basicUser(request);
      if (typeof user === "string") return undefined;
      return errorBody(401, "UNAUTHORIZED", "authentication required", {
        "www-authenticate": 'Basic realm="fake registry"',
      });
    }
    const header = request.headers.get("authorization") ?? "";
    const token = header.startsWith("Bearer ") ? this.#tokens.get(header.slice(7)) : undefined;
    const valid = token !== undefined && token.expiresAt > this.#now();
    if (valid && (need === undefined || token.access.has(need))) return undefined;
    let challenge = `Bearer realm="https://${this.authHost}/token",service="${this.host}"`;
    if (need !== undefined) {
      const scope = need === "registry:catalog"
        ? "registry:catalog:*"
        : `repository:${need.slice(0, need.lastIndexOf(":"))}:${
          need.slice(need.lastIndexOf(":") + 1)
        }`;
      challenge += `,scope="${scope}"`;
      if (valid) challenge += ',error="insufficient_scope"';
    }
    return errorBody(401, "UNAUTHORIZED", "authentication required", {
      "www-authenticate": challenge,
    });
  }

  async #registry(request: Request, url: URL, fault: Fault | undefined): Promise<Response> {
    const path = url.pathname;
    if (path === "/v2/" || path === "/v2") {
      return this.#authorize(request, undefined) ?? json(200, {});
    }
    if (path === "/v1/search") return this.#search(url);
    if (path === "/v2/_catalog") {
      return this.#authorize(request, "registry:catalog") ??
        this.#page(url, "/v2/_catalog", "repositories", this.#repositories(), {});
    }
    const match = /^\/v2\/(.+?)\/(manifests|blobs\/uploads|blobs|tags)\/(.*)$/.exec(path);
    if (!match) return errorBody(404, "NOT_FOUND", "no such route");
    const [, repo, kind, rest] = match;
    const method = request.method;
    const action = method === "GET" || method === "HEAD"
      ? "pull"
      : method === "DELETE" && kind === "manifests"
      ? "delete"
      : "push";
    const refused = this.#authorize(request, `${repo}:${action}`);
    if (refused) return refused;
    if (kind === "manifests") return await this.#manifest(request, repo, rest);
    if (kind === "blobs") return this.#blob(request, repo, rest, fault);
    if (kind === "blobs/uploads") return await this.#upload(request, url, repo, rest);
    const tags = [...(this.manifests.get(repo)?.keys() ?? [])].filter((t) => !t.includes(":"));
    if (!this.manifests.has(repo)) return errorBody(404, "NAME_UNKNOWN", "repository unknown");
    return this.#page(url, `/v2/${repo}/tags/list`, "tags", tags.sort(), { name: repo });
  }

  #repositories(): string[] {
    return [...new Set([...this.manifests.keys(), ...this.repoBlobs.keys()])].sort();
  }

  #page(
    url: URL,
    path: string,
    field: string,
    all: string[],
    extra: Record<string, unknown>,
  ): Response {
    const last = url.searchParams.get("last");
    const n = Number(url.searchParams.get("n") ?? "0");
    const from = last === null ? all : all.filter((x) => x > last);
    const page = n > 0 ? from.slice(0, n) : from;
    const headers: Record<string, string> = {};
    if (page.length < from.length) {
      headers.link = `<${path}?n=${n}&last=${
        encodeURIComponent(page[page.length - 1])
      }>; rel="next"`;
    }
    return json(200, { ...extra, [field]: page }, headers);
  }

  #search(url: URL): Response {
    const q = url.searchParams.get("q") ?? "";
    const n = Number(url.searchParams.get("n") ?? "25");
    const results = this.#repositories().filter((r) => r.includes(q)).slice(0, n).map((r) => ({
      name: r,
      description: `the ${r} image`,
      star_count: r.length,
      is_official: !r.includes("/"),
      is_automated: false,
    }));
    return json(200, { num_results: results.length, query: q, results });
  }

  async #manifest(request: Request, repo: string, ref: string): Promise<Response> {
    const stored = this.manifests.get(repo)?.get(ref);
    if (request.method === "PUT") {
      const bytes = new Uint8Array(await request.arrayBuffer());
      const digest = this.seedManifest(
        repo,
        bytes,
        request.headers.get("content-type") ?? "",
        ref.includes(":") ? undefined : ref,
      );
      if (ref.includes(":") && ref !== digest) {
        return errorBody(400, "DIGEST_INVALID", "digest does not match");
      }
      return new Response(null, {
        status: 201,
        headers: { location: `/v2/${repo}/manifests/${digest}`, "docker-content-digest": digest },
      });
    }
    if (!stored) return errorBody(404, "MANIFEST_UNKNOWN", "manifest unknown");
    const digest = sha256(stored.bytes);
    if (request.method === "DELETE") {
      const manifests = this.manifests.get(repo)!;
      for (const [key, value] of manifests) {
        if (sha256(value.bytes) === digest) manifests.delete(key);
      }
      return new Response(null, { status: 202 });
    }
    const headers = {
      "content-type": stored.mediaType,
      "content-length": String(stored.bytes.byteLength),
      "docker-content-digest": digest,
    };
    return new Response(request.method === "HEAD" ? null : stored.bytes.slice(), { headers });
  }

  #blob(request: Request, repo: string, digest: string, fault: Fault | undefined): Response {
    const bytes = this.repoBlobs.get(repo)?.has(digest) ? this.blobs.get(digest) : undefined;
    if (!bytes) return errorBody(404, "BLOB_UNKNOWN", "blob unknown to registry");
    if (fault && "redirectToCdn" in fault) {
      return new Response(null, {
        status: 307,
        headers: { location: `https://${this.cdnHost}/blobs/${digest}?signature=abc` },
      });
    }
    if (request.method === "HEAD") {
      return new Response(null, {
        headers: { "content-length": String(bytes.byteLength), "docker-content-digest": digest },
      });
    }
    return this.#ranged(request.headers.get("range"), bytes, digest, fault);
  }

  #ranged(range: string | null, bytes: Uint8Array, digest: string, fault?: Fault): Response {
    const start = /^bytes=(\d+)-$/.exec(range ?? "");
    if (start && !(fault && "ignoreRange" in fault)) {
      const from = Number(start[1]);
      const rest = bytes.subarray(from);
      return new Response(body(rest, fault), {
        status: 206,
        headers: {
          "content-range": `bytes ${from}-${bytes.byteLength - 1}/${bytes.byteLength}`,
          "content-length": String(rest.byteLength),
          "docker-content-digest": digest,
        },
      });
    }
    return new Response(body(bytes, fault), {
      headers: { "content-length": String(bytes.byteLength), "docker-content-digest": digest },
    });
  }

  #cdn(url: URL, fault: Fault | undefined): Response {
    const digest = url.pathname.slice("/blobs/".length);
    const bytes = this.blobs.get(digest);
    if (!bytes) return new Response("no such object", { status: 404 });
    return this.#ranged(null, bytes, digest, fault);
  }

  async #upload(request: Request, url: URL, repo: string, id: string): Promise<Response> {
    const method = request.method;
    if (method === "POST" && id === "") {
      const mount = url.searchParams.get("mount");
      const from = url.searchParams.get("from");
      if (mount && from && this.repoBlobs.get(from)?.has(mount)) {
        this.#repoBlobSet(repo).add(mount);
        return new Response(null, {
          status: 201,
          headers: { location: `/v2/${repo}/blobs/${mount}`, "docker-content-digest": mount },
        });
      }
      const session = randomUUID();
      this.#uploads.set(session, { repo, parts: [], size: 0 });
      const headers: Record<string, string> = {
        location: `/v2/${repo}/blobs/uploads/${session}?_state=s0`,
        range: "0-0",
      };
      if (this.#options.chunkMinLength) {
        headers["oci-chunk-min-length"] = String(this.#options.chunkMinLength);
      }
      return new Response(null, { status: 202, headers });
    }
    const upload = this.#uploads.get(id);
    if (!upload || upload.repo !== repo) {
      return errorBody(404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown");
    }
    if (method === "DELETE") {
      this.#uploads.delete(id);
      return new Response(null, { status: 204 });
    }
    const data = new Uint8Array(await request.arrayBuffer());
    if (method === "PATCH") {
      const range = /^(\d+)-(\d+)$/.exec(request.headers.get("content-range") ?? "");
      if (range && Number(range[1]) !== upload.size) {
        return errorBody(416, "BLOB_UPLOAD_INVALID", "range does not continue the upload");
      }
      upload.parts.push(data);
      upload.size += data.byteLength;
      return new Response(null, {
        status: 202,
        headers: {
          location: `/v2/${repo}/blobs/uploads/${id}?_state=s${upload.size}`,
          range: `0-${upload.size - 1}`,
        },
      });
    }
    if (method === "PUT") {
      upload.parts.push(data);
      const bytes = concat(upload.parts);
      const digest = url.searchParams.get("digest") ?? "";
      this.#uploads.delete(id);
      if (sha256(bytes) !== digest) {
        return errorBody(400, "DIGEST_INVALID", "provided digest did not match uploaded content");
      }
      this.seedBlob(repo, bytes);
      return new Response(null, {
        status: 201,
        headers: { location: `/v2/${repo}/blobs/${digest}`, "docker-content-digest": digest },
      });
    }
    return errorBody(405, "UNSUPPORTED", "method not allowed");
  }

  /** How many uploads are still open. */
  get openUploads(): number {
    return this.#uploads.size;
  }
}
