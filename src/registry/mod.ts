/**
 * The OCI distribution (Docker registry v2) client: ping, authentication (Basic, Bearer
 * tokens, identity tokens), manifests, blobs (verified, resumed with `Range`, redirects
 * without credentials), uploads (monolithic, chunked, cross-repository mounts), tags,
 * catalog and v1 search, with retries and mirrors, over an injected `fetch`.
 *
 * @example A registry answered in-process (the client only ever calls the `fetch` it is given)
 * ```ts
 * import { RegistryClient } from "./mod.ts";
 * const client = new RegistryClient({
 *   registry: "registry.example",
 *   fetch: (input) => {
 *     const url = new URL(input instanceof Request ? input.url : String(input));
 *     const tags = url.pathname === "/v2/team/app/tags/list" ? ["1.0", "2.0"] : [];
 *     return Promise.resolve(Response.json({ name: "team/app", tags }));
 *   },
 * });
 * console.log(await client.listTags("team/app")); // ["1.0", "2.0"]
 * ```
 *
 * @example A real registry, with credentials
 * ```ts ignore
 * import { RegistryClient } from "./mod.ts";
 * const client = new RegistryClient({
 *   registry: "registry.example",
 *   credentials: { username: "me", password: "secret" },
 * });
 * const manifest = await client.getManifest("team/app", "1.0");
 * ```
 *
 * @module
 */
export {
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_READ_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  RegistryClient,
} from "./registry_client.ts";
export { isRetryableFailure } from "./retry_policy.ts";
export { registryFetch, type RegistryFetchOptions } from "./registry_fetch.ts";
export { type AuthChallenge, parseAuthChallenges } from "./auth_challenge.ts";
export type {
  CallOptions,
  Credentials,
  CredentialsSource,
  FetchedManifest,
  FetchLike,
  GetBlobOptions,
  GetManifestOptions,
  ListOptions,
  ManifestDescriptor,
  MountResult,
  PutBlobOptions,
  RegistryClientOptions,
  RegistryEndpoint,
  RegistryTls,
  RegistryTlsSource,
  RepoPrefixRewrite,
  RetryOptions,
  SearchResult,
} from "./types.ts";
