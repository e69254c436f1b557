/**
 * Loading images from a path or a stream (libimage's `Load`): the payload is tried as an
 * OCI layout, an OCI archive, a `docker save` archive and a `dir:` folder, in that order;
 * the first format that works wins and all its images are loaded. Every image is first
 * copied (and so verified) into a temporary staging area, and only then into the store,
 * so a broken or hostile payload leaves the store unchanged.
 *
 * @module
 */
import { copyImage, type CopyProgressEvent } from "../copy/mod.ts";
import {
  ImageRejectedError,
  InvalidArchiveError,
  KeyError,
  LoadError,
  PolicyError,
  SignatureError,
} from "../errors.ts";

function isTrustFailure(error: unknown): boolean {
  return error instanceof ImageRejectedError || error instanceof PolicyError ||
    error instanceof SignatureError || error instanceof KeyError;
}
import { normalizeName } from "../reference/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import { parseDirReference } from "../transports/dir/mod.ts";
import {
  DockerArchiveReference,
  dockerArchiveTransport,
  listDockerArchiveImages,
} from "../transports/docker_archive/mod.ts";
import type { ImageReference, TransportContext } from "../transports/types.ts";
import { copyIntoStore, sourceImageId } from "./_pull_copy.ts";
import { extractOciArchive, layoutEntries } from "./_load_layout.ts";
import type { PullContext } from "./_pull_types.ts";

/** Options of {@linkcode load}. */
export interface LoadOptions {
  /** Receives copy progress. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the load; the store is left as it was unless images were already stored. */
  signal?: AbortSignal;
}

/** An image found in the payload, and the names it gets. */
interface PlannedImage {
  reference: ImageReference;
  names: string[];
}

/** A format's images, and what to remove afterwards. */
interface Plan {
  images: PlannedImage[];
  cleanup?: () => Promise<void>;
}

type Planner = (ctx: PullContext, path: string, context: TransportContext) => Promise<Plan>;

function nameOf(name: string | undefined): string[] {
  return name === undefined ? [] : [normalizeName(name).toString()];
}

async function planLayout(ctx: PullContext, path: string): Promise<Plan> {
  const entries = await layoutEntries(ctx.fs, path);
  return {
    images: entries.map((entry) => ({
      reference: entry.reference,
      names: nameOf(entry.containerdName ?? entry.refName),
    })),
  };
}

async function planOciArchive(
  ctx: PullContext,
  path: string,
  context: TransportContext,
): Promise<Plan> {
  const extracted = await extractOciArchive(ctx.fs, path, context);
  try {
    const entries = await layoutEntries(ctx.fs, extracted.root, `oci-archive:${path}`);
    return {
      images: entries.map((entry) => ({
        reference: entry.reference,
        names: nameOf(entry.containerdName ?? entry.refName),
      })),
      cleanup: () => extracted.remove(),
    };
  } catch (error) {
    await extracted.remove().catch(() => {});
    throw error;
  }
}

async function planDockerArchive(
  ctx: PullContext,
  path: string,
  context: TransportContext,
): Promise<Plan> {
  const images = await listDockerArchiveImages(ctx.fs, path, { signal: context.signal });
  return {
    images: images.map((image) => ({
      reference: new DockerArchiveReference(dockerArchiveTransport, path, {
        index: image.index,
      }),
      names: [...new Set(image.repoTags.map((tag) => normalizeName(tag).toString()))],
    })),
  };
}

function planDir(_ctx: PullContext, path: string): Promise<Plan> {
  return Promise.resolve({ images: [{ reference: parseDirReference(path), names: [] }] });
}

/** The formats, in the order they are tried. */
const PLANNERS: readonly (readonly [string, Planner])[] = [
  ["oci", planLayout],
  ["oci-archive", planOciArchive],
  ["docker-archive", planDockerArchive],
  ["dir", planDir],
];

/** Copies every planned image into its own `dir:` folder under `staging` (all verified). */
async function stageAll(
  ctx: PullContext,
  plan: Plan,
  staging: string,
  context: TransportContext,
  options: LoadOptions,
): Promise<ImageReference[]> {
  const staged: ImageReference[] = [];
  for (const [i, image] of plan.images.entries()) {
    const target = parseDirReference(`${staging}/${i}`);
    await copyImage(image.reference, target, {
      sourcePolicy: await ctx.trust?.(),
      context,
      platform: ctx.platform,
      onProgress: options.onProgress,
      signal: options.signal,
    });
    staged.push(target);
  }
  return staged;
}

/** Copies the staged images into the store; returns the loaded names (or `sha256:<id>`). */
async function storeAll(
  ctx: PullContext,
  plan: Plan,
  staged: ImageReference[],
  context: TransportContext,
  options: LoadOptions,
): Promise<{ name: string; record: ImageRecord }[]> {
  const loaded: { name: string; record: ImageRecord }[] = [];
  for (const [i, image] of plan.images.entries()) {
    if (image.names.length === 0) {
      const id = await sourceImageId(staged[i], context, ctx.platform);
      const record = await copyIntoStore(ctx, staged[i], `@${id}`, ctx.platform, options, false);
      loaded.push({ name: `sha256:${record.id}`, record });
      continue;
    }
    for (const name of image.names) {
      const record = await copyIntoStore(ctx, staged[i], name, ctx.platform, options, false);
      loaded.push({ name, record });
    }
  }
  return loaded;
}

async function spool(
  ctx: PullContext,
  stream: ReadableStream<Uint8Array>,
  signal: AbortSignal | undefined,
): Promise<string> {
  const path = `${tempBase(ctx)}/.stevedore-load-${crypto.randomUUID()}.tar`;
  try {
    await stream.pipeTo(await ctx.fs.openWrite(path), { signal });
  } catch (error) {
    await ctx.fs.remove(path).catch(() => {});
    throw error;
  }
  return path;
}

function tempBase(ctx: PullContext): string {
  return (ctx.tmpDir ?? ".").replace(/\/+$/, "") || "/";
}

async function loadPath(
  ctx: PullContext,
  path: string,
  input: string,
  options: LoadOptions,
): Promise<{ name: string; record: ImageRecord }[]> {
  const context: TransportContext = { fs: ctx.fs, tmpDir: tempBase(ctx) };
  if (options.signal !== undefined) context.signal = options.signal;
  const failures: { format: string; error: unknown }[] = [];
  // Folders are never opened as archives (that would leak a file handle on some runtimes).
  const isDirectory = await ctx.fs.stat(path).then((info) => info.isDirectory, () => false);
  for (const [format, planner] of PLANNERS) {
    options.signal?.throwIfAborted();
    if (isDirectory && format.endsWith("-archive")) {
      const error = new InvalidArchiveError(`${format}:${path}`, "Format", "is a directory");
      failures.push({ format, error });
      continue;
    }
    let plan: Plan | undefined;
    const staging = `${tempBase(ctx)}/.stevedore-stage-${crypto.randomUUID()}`;
    try {
      plan = await planner(ctx, path, context);
      if (plan.images.length === 0) throw new TypeError("the payload holds no image");
      const staged = await stageAll(ctx, plan, staging, context, options);
      return await storeAll(ctx, plan, staged, context, options);
    } catch (error) {
      options.signal?.throwIfAborted();
      // The format fit, but the signature policy said no: that is the answer.
      if (isTrustFailure(error)) throw error;
      failures.push({ format, error });
    } finally {
      await plan?.cleanup?.().catch(() => {});
      await ctx.fs.remove(staging, { recursive: true }).catch(() => {});
    }
  }
  throw new LoadError(input, failures);
}

/**
 * Loads every image of the payload at `input` (a path, or a stream that is spooled to a
 * temporary file first) and returns their names: archive tags and OCI ref names (or
 * buildkit's `io.containerd.image.name`) normalized like libimage (`localhost/` for short
 * names); an unnamed image is returned as `sha256:<id>`. One `load` event per name is
 * written after success, named after the path (`-` for a stream).
 *
 * @example
 * ```ts ignore
 * const names = await load(ctx, "/tmp/images.tar");
 * ```
 *
 * @throws {LoadError} when no format fits; `errors` holds each format's failure.
 */
export async function load(
  ctx: PullContext,
  input: string | ReadableStream<Uint8Array>,
  options: LoadOptions = {},
): Promise<string[]> {
  if (input === "") throw new TypeError("the load path is empty");
  const path = typeof input === "string" ? input : await spool(ctx, input, options.signal);
  const eventName = typeof input === "string" ? input : "-";
  let loaded: { name: string; record: ImageRecord }[];
  try {
    loaded = await loadPath(ctx, path, eventName, options);
  } finally {
    if (typeof input !== "string") await ctx.fs.remove(path).catch(() => {});
  }
  for (const { record } of loaded) {
    await ctx.events.write({ type: "load", id: record.id, name: eventName, time: ctx.now() });
  }
  return loaded.map(({ name }) => name);
}
