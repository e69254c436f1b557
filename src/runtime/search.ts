/**
 * Searching registries (libimage's `Search`): the v1 search API of one registry (from
 * the term), the given registries or the unqualified-search registries, at most six at a
 * time, with star, official and automated filters; a registry without the v1 API is
 * searched through its catalog (`/v2/_catalog`), as containers/image does. Or the tags of
 * one repository.
 *
 * @module
 */
import { findRegistry, getCredentials } from "../config/mod.ts";
import { userCertsTls } from "../config/certs_dir.ts";
import { InvalidFilterError, InvalidReferenceError, SearchError } from "../errors.ts";
import { parseNormalizedName, type Reference } from "../reference/mod.ts";
import { type CredentialsSource, RegistryClient, type SearchResult } from "../registry/mod.ts";
import { explicitCredentials, registryTimeouts } from "./_pull_credentials.ts";
import type { CredentialOptions, RegistryTimeoutOptions } from "./pull_options.ts";
import type { OperationContext } from "./context.ts";

/** Options of {@linkcode search}. */
export interface SearchOptions extends CredentialOptions, RegistryTimeoutOptions {
  /** The most results per registry (applied before the filters). @default 25 */
  limit?: number;
  /** `stars=N`, `is-official[=false]`, `is-automated[=false]`. @default [] */
  filters?: string[];
  /** List the tags of the repository `term` instead of searching. @default false */
  listTags?: boolean;
  /** Registries to search when the term names none. @default the unqualified-search ones */
  registries?: string[];
  /** Keep descriptions whole instead of cutting them to 44 characters. @default false */
  noTrunc?: boolean;
  /** Verify TLS; `false` also allows plain HTTP. @default true */
  tlsVerify?: boolean;
  /**
   * A directory of TLS files for every registry (podman's `--cert-dir`): `*.crt` CA
   * certificates, `NAME.cert` + `NAME.key` client certificate.
   * @default certs.d: `HOST[:PORT]` in `$HOME/.config/containers/certs.d`,
   * `/etc/containers/certs.d` or `/etc/docker/certs.d`, the first that exists
   */
  certDir?: string;
  /** How many times a failed request is retried. @default 3 */
  retries?: number;
  /** The pause before a retry, in milliseconds. @default 1000 */
  retryDelayMs?: number;
  /** Cancels the search. */
  signal?: AbortSignal;
}

/** One search result (or, with `listTags`, one tag: `Name`, `Tag` and `Index` only). */
export interface ImageSearchResult {
  /** The registry queried. */
  Index: string;
  /** The full repository name, `registry/name`. */
  Name: string;
  /** The description, on one line, cut unless `noTrunc`. */
  Description: string;
  /** The number of stars. */
  Stars: number;
  /** `"[OK]"` for official images, else `""`. */
  Official: string;
  /** `"[OK]"` for automated builds, else `""`. */
  Automated: string;
  /** The tag (`listTags` only), else `""`. */
  Tag: string;
}

/** A parsed search filter. */
interface SearchFilter {
  stars: number;
  official: boolean | undefined;
  automated: boolean | undefined;
}

const DEFAULT_LIMIT = 25;
const MAX_PARALLEL = 6;
const DESCRIPTION_LENGTH = 44;

/**
 * Parses search filters (libimage's `ParseSearchFilter`).
 * @throws {InvalidFilterError} for an unknown key or a non-integer star count.
 */
export function parseSearchFilters(filters: readonly string[]): SearchFilter {
  const result: SearchFilter = { stars: 0, official: undefined, automated: undefined };
  for (const filter of filters) {
    const at = filter.indexOf("=");
    const key = at < 0 ? filter : filter.slice(0, at);
    const value = at < 0 ? undefined : filter.slice(at + 1);
    switch (key) {
      case "stars":
        if (value === undefined) {
          throw new InvalidFilterError(filter, "should be stars=<value>");
        }
        if (!/^[+-]?\d+$/.test(value)) {
          throw new InvalidFilterError(filter, "incorrect value type for stars filter");
        }
        result.stars = Number(value);
        break;
      case "is-official":
        result.official = value !== "false";
        break;
      case "is-automated":
        result.automated = value !== "false";
        break;
      default:
        throw new InvalidFilterError(filter, "invalid filter type");
    }
  }
  return result;
}

function client(ctx: OperationContext, registry: string, options: SearchOptions): RegistryClient {
  const explicit = explicitCredentials(options);
  const credentials: CredentialsSource = explicit ??
    ((host) => getCredentials(ctx.credentials, host));
  const insecure = options.tlsVerify === false ||
    (findRegistry(ctx.registriesConf, registry)?.insecure ?? false);
  const tls = userCertsTls(ctx.fs, ctx.credentials.homeDir, options.certDir);
  return new RegistryClient({
    registry,
    fetch: ctx.fetch,
    credentials,
    insecure,
    tls,
    signal: options.signal,
    retry: { maxRetries: options.retries, delayMs: options.retryDelayMs },
    ...registryTimeouts(options),
  });
}

function row(registry: string, name: string): Pick<ImageSearchResult, "Index" | "Name"> {
  const full = registry === "docker.io" && !name.includes("/")
    ? `docker.io/library/${name}`
    : `${registry}/${name}`;
  return { Index: registry, Name: full };
}

/**
 * The v1 search answer of the registry; when it has no v1 search (or it fails), the
 * repositories of its catalog whose name contains `term`, at most `limit` of them.
 */
async function v1OrCatalog(
  registry: RegistryClient,
  term: string,
  limit: number,
  signal: AbortSignal | undefined,
): Promise<SearchResult[]> {
  try {
    return await registry.searchV1(term, limit);
  } catch (error) {
    if (signal?.aborted || error instanceof TypeError || error instanceof RangeError) throw error;
  }
  const repositories = await registry.catalog();
  return repositories.filter((name) => name.includes(term)).slice(0, limit).map((name) => ({
    name,
    description: "",
    star_count: 0,
    is_official: false,
    is_automated: false,
  }));
}

async function searchRegistry(
  ctx: OperationContext,
  term: string,
  registry: string,
  limit: number,
  filter: SearchFilter,
  options: SearchOptions,
): Promise<ImageSearchResult[]> {
  const registryClient = client(ctx, registry, options);
  const results = (await v1OrCatalog(registryClient, term, limit, options.signal)).slice(0, limit);
  return results.filter((result) =>
    (filter.automated === undefined || result.is_automated === filter.automated) &&
    (filter.official === undefined || result.is_official === filter.official) &&
    result.star_count >= filter.stars
  ).map((result) => {
    let description = result.description.replaceAll("\n", " ");
    if (description.length > DESCRIPTION_LENGTH && !options.noTrunc) {
      description = description.slice(0, DESCRIPTION_LENGTH) + "...";
    }
    return {
      ...row(registry, result.name),
      Description: description,
      Stars: result.star_count,
      Official: result.is_official ? "[OK]" : "",
      Automated: result.is_automated ? "[OK]" : "",
      Tag: "",
    };
  });
}

async function searchTags(
  ctx: OperationContext,
  term: string,
  limit: number,
  options: SearchOptions,
): Promise<ImageSearchResult[]> {
  let named: Reference;
  try {
    named = parseNormalizedName(term.startsWith("docker://") ? term.slice(9) : term);
  } catch (error) {
    throw new InvalidReferenceError(term, "InvalidFormat", "must be a docker reference", {
      cause: error,
    });
  }
  const repository = named.withoutTagOrDigest();
  const tags = await client(ctx, repository.domain, options).listTags(repository.path);
  return tags.slice(0, limit).map((tag) => ({
    Index: repository.domain,
    Name: repository.name,
    Description: "",
    Stars: 0,
    Official: "",
    Automated: "",
    Tag: tag,
  }));
}

/**
 * Searches registries for `term`. A term `X/rest` searches `rest` on registry `X` only
 * (everything before the first slash is the registry); otherwise `options.registries`,
 * else the unqualified-search registries are searched, at most six at a time, results in
 * registry order. Each registry's results are cut to the limit before the filters run.
 * When any registry answered, failures of the others are dropped.
 *
 * @example
 * ```ts ignore
 * const rows = await search(ctx, "quay.io/podman", { filters: ["stars=10"] });
 * ```
 *
 * @throws {InvalidFilterError} for a bad filter.
 * @throws {SearchError} when several registries failed and none answered (a single
 * failure is thrown as is).
 */
export async function search(
  ctx: OperationContext,
  term: string,
  options: SearchOptions = {},
): Promise<ImageSearchResult[]> {
  const filter = parseSearchFilters(options.filters ?? []);
  explicitCredentials(options);
  const limit = options.limit !== undefined && options.limit > 0 ? options.limit : DEFAULT_LIMIT;
  if (options.listTags) return await searchTags(ctx, term, limit, options);
  const slash = term.indexOf("/");
  let registries: string[];
  if (slash >= 0) {
    registries = [term.slice(0, slash)];
    term = term.slice(slash + 1);
  } else if (options.registries !== undefined && options.registries.length > 0) {
    registries = [...options.registries];
  } else {
    registries = [...ctx.registriesConf.unqualifiedSearchRegistries];
  }
  const outcomes: ({ rows: ImageSearchResult[] } | { error: unknown })[] = new Array(
    registries.length,
  );
  let next = 0;
  const worker = async () => {
    while (next < registries.length) {
      const i = next++;
      try {
        outcomes[i] = {
          rows: await searchRegistry(ctx, term, registries[i], limit, filter, options),
        };
      } catch (error) {
        outcomes[i] = { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAX_PARALLEL, registries.length) }, worker));
  const rows: ImageSearchResult[] = [];
  const errors: unknown[] = [];
  for (const outcome of outcomes) {
    if ("rows" in outcome) rows.push(...outcome.rows);
    else errors.push(outcome.error);
  }
  if (rows.length > 0 || errors.length === 0) return rows;
  if (errors.length === 1) throw errors[0];
  throw new SearchError(term, errors);
}
