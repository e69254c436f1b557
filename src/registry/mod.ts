/**
 * The OCI distribution (Docker registry v2) client: ping, authentication (Basic, Bearer
 * tokens, identity tokens), manifests, blobs (verified, resumed with `Range`, redirects
 * without credentials), uploads (monolithic, chunked, cross-repository mounts), tags,
 * catalog and v1 search, with retries and mirrors, over an injected `fetch`.
 *
 * @example
 * ```ts ignore
 * import { RegistryClient } from "./mod.ts";
 * const client = new RegistryClient({
 *   registry: "registry.example",
 *   credentials: { username: "me", password: "secret" },
 * });
 * const manifest = await client.getManifest("team/app", "1.0");
 * const tags = await client.listTags("team/app");
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
export { type AuthChallenge, parseAuthChallenges } from "./auth_challenge.ts";
export type {
  CallOptions,
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
  RepoPrefixRewrite,
  RetryOptions,
  SearchResult,
} from "./types.ts";
