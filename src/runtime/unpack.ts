/**
 * Unpacking an image's root file system into a directory: the layers are applied in
 * order with OCI whiteouts, each checked against its `diff_id` as it streams, nothing
 * outside the directory is ever touched, and ownership is set only when running as root.
 *
 * @module
 */
import { decompressStream } from "../compression/mod.ts";
import { digestVerifier } from "../digest/mod.ts";
import { InvalidManifestError } from "../errors.ts";
import { NodeRootfsWriter, type RootfsWriter } from "../fs/mod.ts";
import { configDiffIds, parseImageConfig, parseImageManifest } from "../manifest/mod.ts";
import { normalizePlatformChoice, parsePlatform, type PlatformChoice } from "../platform/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import type { LookupOptions } from "../lookup/types.ts";
import type { RuntimeContext } from "./context.ts";
import { applyLayer, finishDirectories, type UnpackState } from "./_unpack_layer.ts";
import { DirectoryMetas } from "./_directory_metas.ts";
import { INCOMPLETE_MARKER, withDestination } from "./_unpack_destination.ts";

/** Options of {@linkcode unpack}. */
export interface UnpackOptions {
  /** The platform whose image is unpacked (for a list or a name with several). @default the runtime's */
  platform?: string | PlatformChoice;
  /** Writes the files; tests can inject their own. @default new NodeRootfsWriter() */
  writer?: RootfsWriter;
  /** Stops the unpack. */
  signal?: AbortSignal;
}

/** What {@linkcode unpack} did. */
export interface UnpackResult {
  /** The image unpacked. */
  image: ImageRecord;
  /** The directory written. */
  dir: string;
  /** How many layers were applied. */
  layers: number;
}

/** The lookup options for a requested platform. */
function lookupOptions(platform: string | PlatformChoice | undefined): LookupOptions {
  if (platform === undefined) return {};
  const choice = typeof platform === "string"
    ? parsePlatform(platform)
    : normalizePlatformChoice(platform);
  const out: LookupOptions = {};
  if (choice.os) out.os = choice.os;
  if (choice.architecture) out.architecture = choice.architecture;
  if (choice.variant) out.variant = choice.variant;
  return out;
}

/**
 * Extracts the root file system of the image `name` into `dir` (created with its missing
 * parents; an existing directory is written over). Device nodes, FIFOs and sockets are
 * skipped with a warning; owners are set only when the process runs as root; modes and
 * times are kept. Every path is resolved inside `dir` without following a link out of it,
 * whatever the order of the entries. Each layer's uncompressed bytes must match the
 * config's `diff_ids`, checked while they stream. While layers go in, `dir` holds a
 * `.stevedore-unpack-incomplete` file; on failure `dir` is removed if unpack created it
 * (emptied if it was empty), else it keeps that file, naming the reason.
 *
 * @example
 * ```ts ignore
 * await unpack(ctx, "alpine", "/tmp/rootfs", { platform: "linux/arm64" });
 * ```
 *
 * @throws {ImageNotFoundError} when no image matches.
 * @throws {InvalidManifestError} when the config does not list one diff ID a layer.
 * @throws {DigestMismatchError} when a layer's uncompressed content is not its diff ID.
 * @throws {InvalidArchiveError} when a layer is malformed or would write outside `dir`.
 */
export async function unpack(
  ctx: RuntimeContext,
  name: string,
  dir: string,
  options: UnpackOptions = {},
): Promise<UnpackResult> {
  if (dir === "") throw new TypeError("Cannot unpack: no directory given");
  const { image } = await ctx.lookup(name, lookupOptions(options.platform));
  if (image.isManifestList) {
    throw new InvalidManifestError(name, "no local image instance of the manifest list");
  }
  const manifestBytes = await ctx.store.readBlobBytes(image.manifestDigest);
  const manifest = parseImageManifest(manifestBytes, { what: image.manifestDigest }).manifest;
  const configBytes = await ctx.store.readBlobBytes(manifest.config.digest);
  const diffIds = configDiffIds(
    parseImageConfig(configBytes, { what: manifest.config.digest }).config,
    { count: manifest.layers.length, what: name },
  );
  const writer = options.writer ?? new NodeRootfsWriter();
  return await withDestination(writer, dir, name, async (root) => {
    const state: UnpackState = {
      root,
      writer,
      warn: ctx.warn,
      directories: new DirectoryMetas(),
      keep: new Set([INCOMPLETE_MARKER]),
    };
    for (const [i, layer] of manifest.layers.entries()) {
      options.signal?.throwIfAborted();
      const what = `layer ${layer.digest} of ${name}`;
      const stream = (await ctx.store.readBlob(layer.digest))
        .pipeThrough(decompressStream("auto", { what: layer.digest }))
        .pipeThrough(digestVerifier(diffIds[i], { what: `uncompressed ${what}` }));
      await applyLayer(state, stream, { what, signal: options.signal });
    }
    await finishDirectories(state);
    return { image, dir: root, layers: manifest.layers.length };
  });
}
