/**
 * Unpacking an image's root file system into a directory: the layers are applied in
 * order with OCI whiteouts, links never lead outside the directory, and ownership is set
 * only when running as root.
 *
 * @module
 */
import { decompressStream } from "../compression/mod.ts";
import { InvalidManifestError } from "../errors.ts";
import { NodeRootfsWriter, type RootfsWriter } from "../fs/mod.ts";
import { parseImageManifest } from "../manifest/mod.ts";
import { normalizePlatformChoice, parsePlatform, type PlatformChoice } from "../platform/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import type { LookupOptions, RuntimeContext } from "./context.ts";
import { applyLayer, finishDirectories, type UnpackState } from "./_unpack_layer.ts";

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
 * Extracts the root file system of the image `name` into `dir` (created if missing; an
 * existing directory is written over). Device nodes, FIFOs and sockets are skipped with a
 * warning; owners are set only when the process runs as root; modes and times are kept.
 *
 * @example
 * ```ts ignore
 * await unpack(ctx, "alpine", "/tmp/rootfs", { platform: "linux/arm64" });
 * ```
 *
 * @throws {ImageNotFoundError} when no image matches.
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
  const writer = options.writer ?? new NodeRootfsWriter();
  const root = dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
  const info = await writer.lstat(root);
  if (info === undefined) await writer.mkdir(root, 0o755);
  else if (info.kind !== "directory") {
    throw new TypeError(`Cannot unpack into "${dir}": not a directory`);
  }
  const state: UnpackState = { root, writer, warn: ctx.warn, directories: new Map() };
  for (const layer of manifest.layers) {
    options.signal?.throwIfAborted();
    const what = `layer ${layer.digest} of ${name}`;
    const stream = (await ctx.store.readBlob(layer.digest)).pipeThrough(
      decompressStream("auto", { what: layer.digest }),
    );
    await applyLayer(state, stream, { what, signal: options.signal });
  }
  state.directories.delete("");
  await finishDirectories(state);
  return { image, dir: root, layers: manifest.layers.length };
}
