/**
 * Listing calls: tags and the catalog (paginated with `Link` headers), and the v1 search
 * API.
 *
 * @module
 */
import { RegistryError } from "../errors.ts";
import type { Endpoint, RequestSpec } from "./_endpoint.ts";
import type { HttpResponse } from "./_http.ts";
import { checkRepository, describeRef, repoScope } from "./_names.ts";
import type { CallOptions, ListOptions, SearchResult } from "./types.ts";

const MAX_LIST_BYTES = 32 * 1024 * 1024;
const MAX_PAGES = 10_000;

/** The target of a `Link: <url>; rel="next"` header, if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    const rel = match && /;\s*rel\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(match[2]);
    if (rel && (rel[1] ?? rel[2]).toLowerCase().split(/\s+/).includes("next")) return match[1];
  }
  return undefined;
}

/** Sends `spec` and reads its answer as a JSON object. */
async function getJson(
  endpoint: Endpoint,
  spec: RequestSpec,
): Promise<{ response: HttpResponse; body: Record<string, unknown> }> {
  const what = spec.what;
  const { response, bytes } = await endpoint.sendAndRead(
    spec,
    MAX_LIST_BYTES,
    () => new RegistryError(what, 200, "answer too large"),
  );
  const text = new TextDecoder().decode(bytes);
  try {
    const value = JSON.parse(text);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return { response, body: value };
    }
  } catch (cause) {
    throw new RegistryError(what, response.status, "answer is not JSON", { cause });
  }
  throw new RegistryError(what, response.status, "answer is not a JSON object");
}

function checkListOptions(options: ListOptions): void {
  for (const key of ["pageSize", "limit"] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isSafeInteger(value) || value <= 0)) {
      throw new RangeError(`Invalid ${key} ${value}: must be a positive integer`);
    }
  }
}

/** Walks the pages of a list, collecting the strings found under `field`. */
async function collect(
  endpoint: Endpoint,
  path: string,
  field: string,
  scopes: string[],
  what: string,
  options: ListOptions,
): Promise<string[]> {
  checkListOptions(options);
  const limit = options.limit ?? Infinity;
  const items: string[] = [];
  const seen = new Set<string>();
  let next: string | undefined = path;
  let query: Record<string, string> | undefined = options.pageSize === undefined
    ? undefined
    : { n: String(options.pageSize) };
  for (let page = 0; next !== undefined && items.length < limit && page < MAX_PAGES; page++) {
    seen.add(next);
    const { response, body } = await getJson(endpoint, {
      method: "GET",
      path: next,
      query,
      headers: { accept: "application/json" },
      scopes,
      what,
      kind: "other",
      signal: options.signal,
    });
    const link = nextLink(response.headers.get("link"));
    const list = body[field] ?? [];
    if (!Array.isArray(list) || !list.every((x) => typeof x === "string")) {
      throw new RegistryError(what, response.status, `"${field}" is not a list of strings`);
    }
    items.push(...list);
    next = link === undefined || seen.has(link) ? undefined : link;
    query = undefined; // the link carries its own parameters
  }
  return items.slice(0, limit);
}

/** Lists a repository's tags. */
export function listTags(
  endpoint: Endpoint,
  repo: string,
  options: ListOptions = {},
): Promise<string[]> {
  checkRepository(repo);
  return collect(
    endpoint,
    `/v2/${repo}/tags/list`,
    "tags",
    [repoScope(repo, "pull")],
    describeRef(endpoint.registry, repo),
    options,
  );
}

/** Lists the repositories of a registry. */
export function catalog(endpoint: Endpoint, options: ListOptions = {}): Promise<string[]> {
  return collect(
    endpoint,
    "/v2/_catalog",
    "repositories",
    ["registry:catalog:*"],
    `${endpoint.registry}/v2/_catalog`,
    options,
  );
}

/** Searches repositories with the v1 search API (`/v1/search`). */
export async function searchV1(
  endpoint: Endpoint,
  term: string,
  limit: number,
  options: CallOptions = {},
): Promise<SearchResult[]> {
  if (!Number.isSafeInteger(limit) || limit <= 0) {
    throw new RangeError(`Invalid search limit ${limit}: must be a positive integer`);
  }
  const what = `${endpoint.registry}/v1/search?q=${term}`;
  const { body } = await getJson(endpoint, {
    method: "GET",
    path: "/v1/search",
    query: { q: term, n: String(limit) },
    headers: { accept: "application/json" },
    scopes: [],
    what,
    kind: "other",
    signal: options.signal,
  });
  const rows = Array.isArray(body.results) ? body.results : [];
  return rows.filter((row): row is Record<string, unknown> =>
    typeof row === "object" && row !== null && typeof row.name === "string"
  ).map((row) => ({
    name: row.name as string,
    description: typeof row.description === "string" ? row.description : "",
    star_count: typeof row.star_count === "number" ? row.star_count : 0,
    is_official: row.is_official === true,
    is_automated: row.is_automated === true,
  })).slice(0, limit);
}
