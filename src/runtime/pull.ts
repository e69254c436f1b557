/**
 * Pulling images (libimage's `Pull`): from registries with pull policies and short-name
 * resolution, or from any other transport (archives, layouts, directories) into the
 * store, with one `pull` event per image after success or one `pull-error` on failure.
 *
 * @module
 */
import { InvalidReferenceError, UnsupportedTransportError } from "../errors.ts";
import {
  completePlatform,
  formatPlatform,
  normalizePlatformChoice,
  parsePlatform,
  type PlatformChoice,
  platformMatches,
} from "../platform/mod.ts";
import { isCustomPlatform, isPullPolicy, parsePullPolicy, type PullPolicy } from "../policy/mod.ts";
import {
  isImageId,
  parseNormalizedName,
  parseReference,
  stripTagIfDigested,
} from "../reference/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import type { Platform } from "../types/mod.ts";
import { explicitCredentials } from "./_pull_credentials.ts";
import { listRemoteTags, pullFromRegistry, type RegistryPull } from "./_pull_registry.ts";
import { pullFromTransport } from "./_pull_transports.ts";
import type { OperationContext } from "./context.ts";
import type { PullOptions } from "./pull_options.ts";

/** The platform parts a pull asks for: options first, then the runtime's explicit ones. */
function platformChoice(options: PullOptions, runtime: PlatformChoice | undefined): PlatformChoice {
  const given = typeof options.platform === "string"
    ? parsePlatform(options.platform)
    : options.platform ?? {};
  return normalizePlatformChoice({
    os: options.os || given.os || runtime?.os,
    architecture: options.architecture || given.architecture || runtime?.architecture,
    variant: options.variant || given.variant || runtime?.variant,
  });
}

function policyOf(options: PullOptions): PullPolicy {
  const policy: unknown = options.policy ?? "missing";
  if (isPullPolicy(policy)) return policy;
  return parsePullPolicy(String(policy));
}

async function pullImages(
  ctx: OperationContext,
  name: string,
  options: PullOptions,
): Promise<{ records: ImageRecord[]; platform: Platform }> {
  const credentials = explicitCredentials(options);
  const policy = policyOf(options);
  const choice = platformChoice(options, ctx.customPlatform);
  const platform = completePlatform(choice, ctx.platform);
  // A transport reference, `undefined` for an image name; a transport's parse error throws.
  const reference = ctx.transports.parse(name);
  if (reference !== undefined && reference.registryName === undefined) {
    if (options.allTags) {
      throw new UnsupportedTransportError(
        name,
        `pulling all tags is not supported for ${reference.transport.name} transport`,
      );
    }
    return { records: await pullFromTransport(ctx, reference, platform, options), platform };
  }
  let imageName: string;
  if (reference === undefined) {
    if (isImageId(name)) {
      if (policy === "always") {
        throw new InvalidReferenceError(
          name,
          "HexIdentifier",
          `pull policy is always but image has been referred to by ID (${name})`,
        );
      }
      return { records: [(await ctx.lookup(name)).image], platform };
    }
    imageName = stripTagIfDigested(parseReference(name)).toString();
    parseNormalizedName(imageName);
  } else {
    imageName = reference.registryName!;
  }
  const pull: RegistryPull = {
    name: imageName,
    qualified: reference !== undefined,
    policy,
    choice,
    custom: isCustomPlatform(choice),
    platform,
    credentials,
  };
  if (!options.allTags) return { records: [await pullFromRegistry(ctx, pull, options)], platform };
  const repository = parseNormalizedName(imageName).withoutTagOrDigest();
  const records: ImageRecord[] = [];
  for (const tag of await listRemoteTags(ctx, pull, options)) {
    options.signal?.throwIfAborted();
    const tagged = repository.withTag(tag).toString();
    records.push(await pullFromRegistry(ctx, { ...pull, name: tagged, qualified: true }, options));
  }
  return { records, platform };
}

/**
 * Pulls `name` into the store and returns the images (one per archive tag; otherwise
 * one, or one per tag with `allTags`).
 *
 * Names without a transport go to registries under the pull policy: `never` and
 * `missing` use a local image, `newer` compares the registry's digest for the platform
 * with the local image's and keeps the local image when the registry fails, `always`
 * pulls. A custom platform turns `missing` into `newer`. Short names are resolved
 * through aliases and the unqualified-search registries, printing "Trying to pull …" to
 * `options.writer` per candidate. IDs (`sha256:…`, 64 hex digits) are only looked up.
 * Other transports always copy: `oci:` refs, archive tags and OCI archive annotations
 * name the image; `dir:` and unnamed sources store it by ID.
 *
 * @example
 * ```ts ignore
 * const [image] = await pull(ctx, "alpine", { policy: "newer", writer: console.log });
 * ```
 *
 * @throws {ImageNotFoundError} under `never` without a local image.
 * @throws {PullError} when several candidates failed (a single failure is thrown as is).
 * @throws {TypeError} with more than one credential source.
 */
export async function pull(
  ctx: OperationContext,
  name: string,
  options: PullOptions = {},
): Promise<ImageRecord[]> {
  let pulled: { records: ImageRecord[]; platform: Platform };
  try {
    pulled = await pullImages(ctx, name, options);
  } catch (error) {
    await ctx.events.write({
      type: "pull-error",
      id: "",
      name,
      time: ctx.now(),
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
  for (const record of pulled.records) {
    if (record.platform === undefined || record.isManifestList) continue;
    if (platformMatches(pulled.platform, record.platform)) continue;
    const message = `image platform (${formatPlatform(record.platform)}) does not match the ` +
      `expected platform (${formatPlatform(pulled.platform)})`;
    if (options.writer) options.writer(`WARNING: ${message}`);
    else ctx.warn(message);
  }
  for (const record of pulled.records) {
    await ctx.events.write({ type: "pull", id: record.id, name, time: ctx.now() });
  }
  return pulled.records;
}
