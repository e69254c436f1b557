/**
 * Copying one image into the store and finding it again by the digest of the manifest
 * that was written (a name may have moved to another image in the meantime).
 *
 * @module
 */
import { certsDirectories } from "../config/certs_dir.ts";
import { copyBetween } from "../copy/mod.ts";
import { CorruptedError, ManifestUnknownError } from "../errors.ts";
import { parseIndex, parseManifest } from "../manifest/mod.ts";
import { chooseInstance } from "../platform/mod.ts";
import type { ImageRecord, ImageStore } from "../store/types.ts";
import type { ImageReference, ImageSource, TransportContext } from "../transports/types.ts";
import type { Platform } from "../types/mod.ts";
import type { LocalOperationContext } from "./context.ts";
import type { PullOptions } from "./pull_options.ts";

/** The transport context of an operation that reads or writes through transports. */
export function transportContext(
  ctx: LocalOperationContext,
  options: {
    tlsVerify?: boolean;
    certDir?: string;
    signal?: AbortSignal;
    ociAcceptUncompressedLayers?: boolean;
  },
): TransportContext {
  const context: TransportContext = {
    fs: ctx.fs,
    env: ctx.credentials.env,
    certsDirs: certsDirectories(ctx.credentials.homeDir),
  };
  if (ctx.fetch !== undefined) context.fetch = ctx.fetch as typeof fetch;
  if (options.tlsVerify !== undefined) context.tlsVerify = options.tlsVerify;
  if (options.certDir !== undefined) context.certDir = options.certDir;
  if (options.signal !== undefined) context.signal = options.signal;
  if (ctx.tmpDir !== undefined) context.tmpDir = ctx.tmpDir;
  if (options.ociAcceptUncompressedLayers === true) context.ociAcceptUncompressedLayers = true;
  return context;
}

/** The stored image whose manifest is `manifestDigest` and whose ID is `id` (if known). */
export async function findByManifest(
  store: ImageStore,
  manifestDigest: string,
  id: string | undefined,
): Promise<ImageRecord> {
  const holders = await store.imagesByDigest(manifestDigest);
  const found = holders.find((record) => record.id === id) ??
    (id === undefined ? undefined : await store.imageById(id)) ?? holders[0];
  if (found === undefined) {
    throw new CorruptedError(manifestDigest, "the pulled image is not in the store");
  }
  return found;
}

function configId(bytes: Uint8Array, mediaType: string): string | undefined {
  const parsed = parseManifest(bytes, { contentType: mediaType });
  if (parsed.kind !== "image") return undefined;
  const digest = parsed.manifest.config.digest;
  return digest.startsWith("sha256:") ? digest.slice("sha256:".length) : undefined;
}

/**
 * Copies `source` into the store under `target` (a full name, or `@<id>` for an unnamed
 * image) and returns the stored record, found via the manifest digest that was written.
 * The runtime's signature policy checks `source` first, unless `checkPolicy` is false
 * (a staging copy whose origin was checked already).
 */
export async function copyIntoStore(
  ctx: LocalOperationContext,
  source: ImageReference,
  target: string,
  platform: Platform,
  options: PullOptions,
  checkPolicy = true,
): Promise<ImageRecord> {
  const result = await copyBetween(source, ctx.storage.parse(target), {
    sourcePolicy: checkPolicy ? await ctx.trust?.() : undefined,
    context: transportContext(ctx, options),
    platform,
    onProgress: options.onProgress,
    signal: options.signal,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });
  const id = configId(result.manifest.bytes, result.manifest.mediaType);
  return await findByManifest(ctx.store, result.manifestDigest, id);
}

/**
 * The image ID (config digest hex) of the image at `reference`, choosing the instance for
 * `platform` in a list: what an unnamed image is stored under.
 */
export async function sourceImageId(
  reference: ImageReference,
  context: TransportContext,
  platform: Platform,
): Promise<string> {
  const source: ImageSource = await reference.newSource(context);
  try {
    let manifest = await source.getManifest();
    const top = parseManifest(manifest.bytes, { contentType: manifest.mediaType });
    if (top.kind === "index") {
      const entry = chooseInstance(parseIndex(manifest.bytes).index, platform);
      if (entry === undefined) {
        throw new ManifestUnknownError(`${reference} (no instance for the platform)`);
      }
      manifest = await source.getManifest(entry.digest);
    }
    const id = configId(manifest.bytes, manifest.mediaType);
    if (id === undefined) {
      throw new ManifestUnknownError(`${reference} (no sha256 image config)`);
    }
    return id;
  } finally {
    await source.close();
  }
}
