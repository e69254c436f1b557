/**
 * Pulling from registries (libimage's `copySingleImageFromRegistry`): the local lookup,
 * the pull policy, short-name candidates, the `newer` digest check and error aggregation.
 *
 * @module
 */
import { resolveShortName, type ShortNameResolution } from "../config/mod.ts";
import {
  ImageNotFoundError,
  InvalidReferenceError,
  ManifestUnknownError,
  PullError,
} from "../errors.ts";
import { manifestKindOf, parseIndex } from "../manifest/mod.ts";
import { chooseInstance, type PlatformChoice } from "../platform/mod.ts";
import { decidePull, effectivePolicy, type PullPolicy, remoteIsNewer } from "../policy/mod.ts";
import { parseNormalizedName } from "../reference/mod.ts";
import type { Credentials } from "../config/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import type { DockerImageReference } from "../transports/docker/mod.ts";
import type { TransportContext } from "../transports/types.ts";
import type { Platform } from "../types/mod.ts";
import type { LookupOptions, LookupResult } from "../lookup/types.ts";
import { copyIntoStore, transportContext } from "./_pull_copy.ts";
import { credentialSource, registryReference, registryTimeouts } from "./_pull_credentials.ts";
import type { OperationContext } from "./context.ts";
import type { PullOptions } from "./pull_options.ts";

/** One registry pull, with everything already normalized. */
export interface RegistryPull {
  /** The name to resolve: possibly a short name; tag+digest already reduced. */
  name: string;
  /** True for `docker://NAME`: already normalized, no short-name resolution. */
  qualified: boolean;
  /** The policy asked for. */
  policy: PullPolicy;
  /** The platform parts asked for (options, then the runtime's), normalized. */
  choice: PlatformChoice;
  /** Whether `choice` is a custom platform. */
  custom: boolean;
  /** The complete platform to pull. */
  platform: Platform;
  /** Explicit credentials, if any. */
  credentials: Credentials | undefined;
}

/** The digest a registry has for `reference` on `platform` (a list's matching instance). */
async function remoteDigest(
  reference: DockerImageReference,
  context: TransportContext,
  platform: Platform,
): Promise<string> {
  const client = await reference.client(context);
  const head = await client.headManifest(reference.repository, reference.tagOrDigest);
  if (head === undefined) {
    throw new ManifestUnknownError(reference.name.toString(), undefined, "manifest unknown");
  }
  if (manifestKindOf(head.mediaType) !== "index") return head.digest;
  const list = await client.getManifest(reference.repository, head.digest);
  const entry = chooseInstance(parseIndex(list.bytes).index, platform);
  if (entry === undefined) {
    throw new ManifestUnknownError(`${reference.name} (no instance for the platform)`);
  }
  return entry.digest;
}

async function findLocal(
  ctx: OperationContext,
  pull: RegistryPull,
): Promise<LookupResult | undefined> {
  // Platform checks on local images are unreliable: only a variant, or an arch/os other
  // than the runtime's, narrows the lookup.
  const options: LookupOptions = {};
  if (pull.choice.variant) options.variant = pull.choice.variant;
  if (pull.choice.architecture && pull.choice.architecture !== ctx.platform.architecture) {
    options.architecture = pull.choice.architecture;
  }
  if (pull.choice.os && pull.choice.os !== ctx.platform.os) options.os = pull.choice.os;
  let local: LookupResult | undefined;
  try {
    local = await ctx.lookup(pull.name, options);
  } catch (error) {
    if (!(error instanceof ImageNotFoundError)) {
      ctx.warn(`Looking up ${pull.name} in local storage: ${(error as Error).message}`);
    }
    return undefined;
  }
  if (await ctx.store.isCorrupted(local.image)) {
    ctx.warn(`Image ${local.image.id} (${pull.name}) is corrupted: pulling it again`);
    return undefined;
  }
  return local;
}

function singleOrAggregate(input: string, errors: unknown[]): never {
  if (errors.length === 1) throw errors[0];
  throw new PullError(input, errors);
}

/** Pulls one image from a registry following the policy; returns the image used. */
export async function pullFromRegistry(
  ctx: OperationContext,
  pull: RegistryPull,
  options: PullOptions,
): Promise<ImageRecord> {
  const local = await findLocal(ctx, pull);
  const policy = effectivePolicy(pull.policy, pull.custom);
  const decision = decidePull(policy, {
    found: local !== undefined,
    byId: local !== undefined && local.image.id.startsWith(pull.name),
  });
  switch (decision.action) {
    case "use-local":
      return local!.image;
    case "not-found":
      throw new ImageNotFoundError(pull.name);
    case "id-with-always":
      throw new InvalidReferenceError(
        pull.name,
        "HexIdentifier",
        `pull policy is always but image has been referred to by ID (${pull.name})`,
      );
  }
  const newerWithLocal = policy === "newer" && local !== undefined;
  // With a local image (and no custom platform), pull its resolved name: no search.
  const imageName = local !== undefined && !pull.custom && local.resolvedName !== ""
    ? local.resolvedName
    : pull.name;
  let resolution: ShortNameResolution;
  try {
    resolution = pull.qualified
      ? {
        candidates: [{ value: parseNormalizedName(imageName).tagNameOnly(), record: false }],
        description: "",
      }
      : await resolveShortName(ctx.registriesConf, imageName, {
        isTTY: ctx.isTTY ?? false,
        prompt: ctx.prompt,
        fs: ctx.fs,
      });
  } catch (error) {
    if (newerWithLocal) return local.image;
    throw error;
  }
  const context = transportContext(ctx, options);
  const localDigests = local ? [...local.image.digests, local.image.manifestDigest] : [];
  const errors: unknown[] = [];
  let described = false;
  for (const candidate of resolution.candidates) {
    const name = candidate.value;
    try {
      const reference = registryReference(name, {
        conf: ctx.registriesConf,
        credentials: credentialSource(pull.credentials, ctx.credentials, name),
        retries: options.retries,
        retryDelayMs: options.retryDelayMs,
        ...registryTimeouts(options),
      });
      if (newerWithLocal) {
        const digest = await remoteDigest(reference, context, pull.platform);
        if (!remoteIsNewer(digest, localDigests)) continue;
      }
      if (!described && resolution.description !== "") options.writer?.(resolution.description);
      described = true;
      options.writer?.(`Trying to pull ${name}...`);
      const record = await copyIntoStore(ctx, reference, name.toString(), pull.platform, options);
      if (candidate.record && resolution.recordAlias) {
        try {
          await resolution.recordAlias(name);
        } catch (error) {
          ctx.warn(`Cannot record short-name alias for ${name}: ${(error as Error).message}`);
        }
      }
      return record;
    } catch (error) {
      options.signal?.throwIfAborted();
      errors.push(error);
    }
  }
  if (newerWithLocal) return local.image;
  if (errors.length === 0) {
    throw new Error(`internal error: no image pulled (pull policy ${policy})`);
  }
  singleOrAggregate(pull.name, errors);
}

/** Lists the tags of `pull.name`'s repository (docker.io normalization, no search). */
export async function listRemoteTags(
  ctx: OperationContext,
  pull: RegistryPull,
  options: PullOptions,
): Promise<string[]> {
  const named = parseNormalizedName(pull.name).withoutTagOrDigest().withTag("latest");
  const reference = registryReference(named, {
    conf: ctx.registriesConf,
    credentials: credentialSource(pull.credentials, ctx.credentials, named),
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    ...registryTimeouts(options),
  });
  const client = await reference.client(transportContext(ctx, options));
  return await client.listTags(reference.repository);
}
