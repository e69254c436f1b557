/**
 * References a manifest list operation reads from or writes to: `docker://` references
 * carrying the caller's credentials and the registries.conf `insecure` flag, and a
 * "pinned" reference whose top-level manifest is given bytes (one instance of a list, or
 * an edited list), everything else read from the wrapped source.
 *
 * @module
 */
import { findRegistry } from "../config/mod.ts";
import { parseDockerName } from "../transports/docker/mod.ts";
import { createDockerTransport } from "../transports/docker/mod.ts";
import type {
  ImageDestination,
  ImageReference,
  ImageSource,
  ManifestBytes,
  TransportContext,
} from "../transports/types.ts";
import { credentialSource, explicitCredentials } from "./_pull_credentials.ts";
import type { RegistryAccessOptions } from "./manifest_list_options.ts";
import type { OperationContext } from "./context.ts";

/**
 * A `docker://` reference for `withinTransport` (`//NAME`) with the caller's credentials,
 * the registry's `insecure` flag and `retries`.
 */
export function dockerReference(
  ctx: OperationContext,
  withinTransport: string,
  options: RegistryAccessOptions,
  retries = options.retries,
): ImageReference {
  const name = parseDockerName(withinTransport);
  const credentials = options.authFile === undefined
    ? ctx.credentials
    : { ...ctx.credentials, authFile: options.authFile };
  const retry: { maxRetries?: number; delayMs?: number } = {};
  if (retries !== undefined) retry.maxRetries = retries;
  if (options.retryDelayMs !== undefined) retry.delayMs = options.retryDelayMs;
  const client: { insecure?: boolean; retry: typeof retry } = { retry };
  if (findRegistry(ctx.registriesConf, name.toString())?.insecure) client.insecure = true;
  const transport = createDockerTransport({
    credentials: credentialSource(explicitCredentials(options), credentials, name),
    client,
  });
  return transport.parse(withinTransport);
}

/**
 * Parses a transport-qualified reference with the runtime's transports (registry
 * references get the caller's credentials); `undefined` when `input` has no known
 * transport prefix.
 */
export function parseQualified(
  ctx: OperationContext,
  input: string,
  options: RegistryAccessOptions,
): ImageReference | undefined {
  const parsed = ctx.transports.parse(input);
  if (parsed === undefined) return undefined;
  // A registry reference is rebuilt with the caller's credentials and retries.
  if (parsed.registryName !== undefined) {
    return dockerReference(ctx, parsed.withinTransport, options);
  }
  return parsed;
}

/**
 * A reference reading like `inner` except that its top-level manifest is `top`: one
 * instance of a list copied on its own, or an edited list pushed in place of the stored
 * one. It cannot be written to.
 */
export function pinnedReference(inner: ImageReference, top: ManifestBytes): ImageReference {
  const reference: ImageReference = {
    transport: inner.transport,
    withinTransport: inner.withinTransport,
    dockerReference: inner.dockerReference,
    toString: () => `${inner}@${top.digest}`,
    async newSource(context: TransportContext): Promise<ImageSource> {
      const source = await inner.newSource(context);
      return {
        reference,
        getManifest: (instanceDigest?: string) =>
          instanceDigest === undefined || instanceDigest === top.digest
            ? Promise.resolve({ ...top, bytes: top.bytes.slice() })
            : source.getManifest(instanceDigest),
        getBlob: (blob, opts) => source.getBlob(blob, opts),
        close: () => source.close(),
        instanceSource: (digest: string) =>
          source.instanceSource?.(digest) ?? Promise.resolve(undefined),
      };
    },
    newDestination(): Promise<ImageDestination> {
      return Promise.reject(new TypeError(`Cannot write to "${reference}": it is read-only`));
    },
  };
  return reference;
}
