/**
 * The registry side of a pull: one credential source, and a `docker://` reference per
 * candidate configured from registries.conf (mirrors, insecure registries) and the
 * pull's retry options.
 *
 * @module
 */
import {
  type CredentialsContext,
  getCredentials,
  pullSources,
  type RegistriesConf,
} from "../config/mod.ts";
import type { Reference } from "../reference/mod.ts";
import type { CredentialsSource, RegistryEndpoint, RegistryTlsSource } from "../registry/mod.ts";
import type { Credentials } from "../config/mod.ts";
import type { CredentialOptions, RegistryTimeoutOptions } from "./pull_options.ts";
import {
  createDockerTransport,
  type DockerImageReference,
  type DockerTransportOptions,
} from "../transports/docker/mod.ts";

/**
 * The explicit credentials of `options`, or `undefined` to consult the auth files.
 * @throws {TypeError} when more than one source is given.
 */
export function explicitCredentials(options: CredentialOptions): Credentials | undefined {
  const sources = [
    options.username !== undefined || options.password !== undefined,
    options.credentials !== undefined,
    options.identityToken !== undefined,
  ].filter(Boolean).length;
  if (sources > 1) throw new TypeError("cannot use the multiple credential sources");
  if (options.identityToken !== undefined) return { identityToken: options.identityToken };
  if (options.username !== undefined || options.password !== undefined) {
    return { username: options.username ?? "", password: options.password ?? "" };
  }
  const given = options.credentials;
  if (given === undefined) return undefined;
  if (typeof given !== "string") return { ...given };
  if (given === "") throw new TypeError("credentials must not be empty");
  const colon = given.indexOf(":");
  return colon === -1
    ? { username: given, password: "" }
    : { username: given.slice(0, colon), password: given.slice(colon + 1) };
}

/** Where a candidate's credentials come from: the explicit ones, else the auth files. */
export function credentialSource(
  explicit: Credentials | undefined,
  credentials: CredentialsContext,
  candidate: Reference,
): CredentialsSource {
  if (explicit !== undefined) return explicit;
  return (registry) =>
    getCredentials(credentials, registry === candidate.domain ? candidate : registry);
}

/** The timeouts of `options` that are set, as registry client options. */
export function registryTimeouts(options: RegistryTimeoutOptions): RegistryTimeoutOptions {
  const out: RegistryTimeoutOptions = {};
  if (options.connectTimeoutMs !== undefined) out.connectTimeoutMs = options.connectTimeoutMs;
  if (options.readTimeoutMs !== undefined) out.readTimeoutMs = options.readTimeoutMs;
  return out;
}

/** What a `docker://` reference for one candidate is built from. */
export interface RegistryReferenceOptions extends RegistryTimeoutOptions {
  conf: RegistriesConf;
  credentials: CredentialsSource;
  retries?: number;
  retryDelayMs?: number;
  /** Verify TLS for this reference's registry, whatever registries.conf says. @default conf */
  tlsVerify?: boolean;
  /** This reference's certificates, instead of the transport context's. @default the context's */
  tls?: RegistryTlsSource;
}

/**
 * A `docker://` reference to `candidate` whose client reads from the mirrors and location
 * registries.conf gives it (with their `insecure` flags).
 * @throws {DeniedError} for a blocked registry.
 */
export function registryReference(
  candidate: Reference,
  options: RegistryReferenceOptions,
): DockerImageReference {
  const sources = pullSources(options.conf, candidate);
  const endpoints: RegistryEndpoint[] = sources.map((source) => {
    const endpoint: RegistryEndpoint = {
      registry: source.reference.domain,
      insecure: source.insecure,
    };
    if (source.reference.path !== candidate.path) {
      endpoint.repoPrefixRewrite = { from: candidate.path, to: source.reference.path };
    }
    if (source.namespaceProxy !== undefined) endpoint.namespaceProxy = source.namespaceProxy;
    return endpoint;
  });
  const primary = sources[sources.length - 1];
  const retry: { maxRetries?: number; delayMs?: number } = {};
  if (options.retries !== undefined) retry.maxRetries = options.retries;
  if (options.retryDelayMs !== undefined) retry.delayMs = options.retryDelayMs;
  const client: DockerTransportOptions["client"] & object = {
    ...registryTimeouts(options),
    endpoints,
    retry,
  };
  // Left out unless set, so that the context's `tlsVerify: false` still applies.
  if (primary.insecure) client.insecure = true;
  if (options.tlsVerify !== undefined) client.insecure = !options.tlsVerify;
  if (options.tls !== undefined) client.tls = options.tls;
  const transport = createDockerTransport({ credentials: options.credentials, client });
  return transport.parse(`//${candidate.toString()}`);
}
