/**
 * The reading half of `ManifestList.add`: finds what a name refers to (a transport
 * reference, else `docker://` probed, else a local image), picks the instances to add and
 * returns their descriptors with platforms, and where a push will read each instance that
 * no local image holds (nothing is copied into the store).
 *
 * @module
 */
import { digestBytes, verifyDigest } from "../digest/mod.ts";
import { ImageNotFoundError, InvalidManifestError, ManifestUnknownError } from "../errors.ts";
import { parseImageConfig, parseManifest } from "../manifest/mod.ts";
import { chooseInstance, completePlatform, formatPlatform } from "../platform/mod.ts";
import type { ImageReference, ImageSource, ManifestBytes } from "../transports/types.ts";
import { type Descriptor, isManifestListType, type Platform } from "../types/mod.ts";
import { dockerReference, parseQualified } from "./_manifest_list_refs.ts";
import type { OperationContext } from "./context.ts";
import type { RegistryAccessOptions } from "./manifest_list_options.ts";
import { transportContext } from "./_pull_copy.ts";

/** What the reading half needs from the add options. */
export interface AddSourceOptions extends RegistryAccessOptions {
  /** Add every instance of a list. */
  all?: boolean;
  /** The platform whose instance of a list is added. */
  platform: Platform;
}

/** What was found: the descriptors to add and the digest `add` reports. */
export interface AddedInstances {
  /** One descriptor per instance, with its platform. */
  descriptors: Descriptor[];
  /** Where instances not stored locally are read from, by instance digest. */
  sources: Record<string, string>;
  /** The list's digest (with `all`) or the single instance's digest. */
  digest: string;
}

/** The reference `name` means, with its source opened and its top manifest read. */
async function openNamed(
  ctx: OperationContext,
  name: string,
  options: RegistryAccessOptions,
  manifestList = false,
): Promise<{ ref: ImageReference; source: ImageSource; top: ManifestBytes }> {
  const context = transportContext(ctx, options);
  const qualified = parseQualified(ctx, name, options);
  if (qualified !== undefined) {
    const source = await qualified.newSource(context);
    try {
      return { ref: qualified, source, top: await source.getManifest() };
    } catch (error) {
      await source.close();
      throw error;
    }
  }
  let probeError: unknown;
  try {
    // A probe: no retries, so that a name that is only local is found quickly.
    const ref = dockerReference(ctx, `//${name}`, options, 0);
    const source = await ref.newSource(context);
    try {
      return { ref, source, top: await source.getManifest() };
    } catch (error) {
      await source.close();
      throw error;
    }
  } catch (error) {
    probeError = error;
  }
  let found;
  try {
    found = await ctx.lookup(name, { manifestList });
  } catch (error) {
    if (!(error instanceof ImageNotFoundError)) throw error;
    throw new ImageNotFoundError(name, { cause: probeError });
  }
  const ref = ctx.storage.parse(`@${found.image.id}`);
  const source = await ref.newSource(context);
  return { ref, source, top: await source.getManifest() };
}

/** The platform an image's config declares, as an index entry records it. */
async function configPlatform(
  source: ImageSource,
  manifest: ManifestBytes,
  what: string,
): Promise<{ platform: Platform; configDigest: string }> {
  const parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
  if (parsed.kind !== "image") {
    throw new InvalidManifestError(what, "an instance must be an image manifest");
  }
  const config = parsed.manifest.config;
  const bytes = new Uint8Array(
    await new Response(await source.getBlob({ digest: config.digest, size: config.size }))
      .arrayBuffer(),
  );
  const parsedConfig = parseImageConfig(bytes, { what: config.digest }).config;
  const platform: Platform = { os: parsedConfig.os, architecture: parsedConfig.architecture };
  if (parsedConfig.variant) platform.variant = parsedConfig.variant;
  if (parsedConfig["os.version"]) platform["os.version"] = parsedConfig["os.version"];
  if (parsedConfig["os.features"]?.length) {
    platform["os.features"] = [...parsedConfig["os.features"]];
  }
  return { platform, configDigest: config.digest };
}

/**
 * The descriptor of the image manifest `manifest` of `ref`, and where a push reads it
 * from when no local image has it (nothing is copied: Podman's `manifest add` records the
 * source and copies at push).
 */
async function describeInstance(
  ctx: OperationContext,
  ref: ImageReference,
  source: ImageSource,
  manifest: ManifestBytes,
  listed: Descriptor | undefined,
): Promise<{ descriptor: Descriptor; source?: string }> {
  const what = `${ref}@${manifest.digest}`;
  const { platform } = await configPlatform(source, manifest, what);
  const descriptor: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.bytes.length,
    platform: listed?.platform ? structuredClone(listed.platform) : platform,
  };
  if (listed?.annotations) descriptor.annotations = { ...listed.annotations };
  if (listed?.urls) descriptor.urls = [...listed.urls];
  for (const holder of await ctx.store.imagesByDigest(manifest.digest)) {
    if (!holder.isManifestList && !(await ctx.store.isCorrupted(holder))) return { descriptor };
  }
  return { descriptor, source: ref.toString() };
}

/**
 * The descriptor of what `name` refers to (resolved as `add` resolves an image, a local
 * manifest list included), for an artifact's `subject`: media type, digest and size of
 * its top-level manifest, and the artifact type an image manifest declares.
 *
 * @throws {ImageNotFoundError} when the name is neither reachable nor a local image.
 */
export async function describeSubject(
  ctx: OperationContext,
  name: string,
  options: RegistryAccessOptions,
): Promise<Descriptor> {
  const { source, top } = await openNamed(ctx, name, options, true);
  try {
    const descriptor: Descriptor = {
      mediaType: top.mediaType,
      digest: digestBytes(top.bytes).toString(),
      size: top.bytes.length,
    };
    if (!isManifestListType(top.mediaType)) {
      try {
        const artifactType = JSON.parse(new TextDecoder().decode(top.bytes))?.artifactType;
        if (typeof artifactType === "string" && artifactType !== "") {
          descriptor.artifactType = artifactType;
        }
      } catch {
        // Not JSON: no artifact type to record (as libimage).
      }
    }
    return descriptor;
  } finally {
    await source.close();
  }
}

/**
 * Resolves `name` and returns the descriptors of the instances to add (in the source
 * list's order) with the sources of those no local image holds.
 *
 * @throws {ImageNotFoundError} when the name is neither reachable nor a local image.
 * @throws {ManifestUnknownError} when a list has no instance for the platform.
 */
export async function readInstances(
  ctx: OperationContext,
  name: string,
  options: AddSourceOptions,
): Promise<AddedInstances> {
  const { ref, source, top } = await openNamed(ctx, name, options);
  try {
    const what = ref.toString();
    const parsed = parseManifest(top.bytes, { what, contentType: top.mediaType });
    if (parsed.kind === "schema1") {
      throw new InvalidManifestError(what, "Docker schema 1 images cannot be added to a list");
    }
    const sources: Record<string, string> = {};
    const descriptors: Descriptor[] = [];
    const add = async (manifest: ManifestBytes, listed: Descriptor | undefined) => {
      const found = await describeInstance(ctx, ref, source, manifest, listed);
      descriptors.push(found.descriptor);
      if (found.source !== undefined) sources[found.descriptor.digest] = found.source;
    };
    if (parsed.kind === "image") {
      await add(top, undefined);
      return { descriptors, sources, digest: top.digest };
    }
    let entries = parsed.index.manifests;
    if (!options.all) {
      const want = completePlatform({}, options.platform);
      const entry = chooseInstance(parsed.index, want);
      if (entry === undefined) {
        throw new ManifestUnknownError(`${what} (no instance for ${formatPlatform(want)})`);
      }
      entries = [entry];
    }
    for (const entry of entries) {
      const manifest = await source.getManifest(entry.digest);
      verifyDigest(manifest.bytes, entry.digest);
      await add({ ...manifest, digest: entry.digest }, entry);
    }
    return { descriptors, sources, digest: options.all ? top.digest : descriptors[0].digest };
  } finally {
    await source.close();
  }
}
