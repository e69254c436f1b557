/**
 * Loading images from a path or a stream (libimage's `Load`). A folder is tried as an OCI
 * layout, then as a `dir:` folder. A file or a stream is extracted once, as it is read
 * (see `_load_archive.ts`), and read as an OCI archive when it holds `index.json`, else as
 * a `docker save` archive. Every image is checked against the payload's bytes before the
 * first one is stored, and the store then takes the extracted files as they are, so a
 * broken or hostile payload leaves the store unchanged without a second copy of the good
 * ones.
 *
 * Caps (options, else the runtime's): `maxBytes` bounds, each on its own, the bytes of a
 * stream and the uncompressed bytes a payload expands to; `maxImages` bounds the
 * images (each name counting) one archive may hold. Past a cap the load stops with a
 * `TooLargeError`; a cancelled load stops at the next chunk; either way its temporary
 * files are removed.
 *
 * @module
 */
import type { CopyProgressEvent } from "../copy/mod.ts";
import {
  ImageRejectedError,
  InvalidArchiveError,
  KeyError,
  LoadError,
  PolicyError,
  SignatureError,
  TooLargeError,
} from "../errors.ts";
import { normalizeName } from "../reference/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import { parseDirReference } from "../transports/dir/mod.ts";
import type { ExtractedArchive } from "../transports/_tar/mod.ts";
import type { TransportContext } from "../transports/types.ts";
import { copyIntoStore, sourceImageId } from "./_pull_copy.ts";
import { layoutEntries } from "./_load_layout.ts";
import {
  type ArchiveLoadContext,
  checkImageCount,
  extractPayload,
  planDockerArchive,
  type PlannedImage,
  planOciArchive,
} from "./_load_archive.ts";
import { ExtractionFacts } from "./_load_facts.ts";
import { ByteBudget, type LoadLimits, loadLimits } from "./_load_limits.ts";
import type { OperationContext } from "./context.ts";
import { verifyByReading } from "./_load_verify.ts";

/** Options of {@linkcode load}. */
export interface LoadOptions {
  /** Receives copy progress. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the load; the store is left as it was unless images were already stored. */
  signal?: AbortSignal;
  /**
   * The most bytes the load may take in: the bytes of a stream, and (on its own) the
   * uncompressed bytes the payload expands to. @default the runtime's `maxLoadBytes`
   */
  maxBytes?: number;
  /**
   * The most images (each name counting) the archive may hold.
   * @default the runtime's `maxLoadImages`
   */
  maxImages?: number;
}

type Loaded = { name: string; record: ImageRecord }[];

/** One format's failure. */
type Failure = { format: string; error: unknown };

/** What trying the formats of a payload gave: the loaded images, or every failure. */
type Outcome = { loaded?: Loaded; failures: Failure[] };

/** One load: the runtime, the transport context, the caps and the caller's options. */
interface LoadRun {
  ctx: OperationContext;
  context: TransportContext;
  limits: LoadLimits;
  options: LoadOptions;
}

/** Whether a failure ends the whole load instead of letting the next format try. */
/** Whether `error` ends the load: a cap, a cancel, or the signature policy saying no. */
function isFinal(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof TooLargeError || signal?.aborted === true ||
    error instanceof ImageRejectedError || error instanceof PolicyError ||
    error instanceof SignatureError || error instanceof KeyError;
}

/** Copies the planned images into the store; returns the loaded names (or `sha256:<id>`). */
async function storeAll(run: LoadRun, images: PlannedImage[]): Promise<Loaded> {
  const { ctx, context, options } = run;
  const loaded: Loaded = [];
  for (const image of images) {
    if (image.names.length === 0) {
      const id = await sourceImageId(image.reference, context, ctx.platform);
      const record = await copyIntoStore(ctx, image.reference, `@${id}`, ctx.platform, options);
      loaded.push({ name: `sha256:${record.id}`, record });
      continue;
    }
    for (const name of image.names) {
      const record = await copyIntoStore(ctx, image.reference, name, ctx.platform, options);
      loaded.push({ name, record });
    }
  }
  return loaded;
}

function tempBase(ctx: OperationContext): string {
  return (ctx.tmpDir ?? ".").replace(/\/+$/, "") || "/";
}

/** Loads a folder: an OCI layout, else a `dir:` image. */
async function loadFolder(run: LoadRun, path: string): Promise<Outcome> {
  const { ctx, context, limits, options } = run;
  const failures: Failure[] = [];
  const planners: [string, () => Promise<PlannedImage[]>][] = [
    ["oci", async () =>
      (await layoutEntries(ctx.fs, path)).map((entry) => ({
        reference: entry.reference,
        names: entry.containerdName ?? entry.refName
          ? [normalizeName((entry.containerdName ?? entry.refName)!).toString()]
          : [],
      }))],
    ["oci-archive", () => Promise.reject(notAFile("oci-archive", path))],
    ["docker-archive", () => Promise.reject(notAFile("docker-archive", path))],
    ["dir", () => Promise.resolve([{ reference: parseDirReference(path), names: [] }])],
  ];
  for (const [format, plan] of planners) {
    options.signal?.throwIfAborted();
    try {
      const images = await plan();
      checkImageCount(path, images, limits);
      if (images.length === 0) throw new TypeError("the payload holds no image");
      for (const image of images) await verifyByReading(image.reference, context, ctx.platform);
      return { loaded: await storeAll(run, images), failures };
    } catch (error) {
      if (isFinal(error, options.signal)) throw error;
      failures.push({ format, error });
    }
  }
  return { failures };
}

function notAFile(format: string, path: string): InvalidArchiveError {
  return new InvalidArchiveError(`${format}:${path}`, "Format", "is a directory");
}

/**
 * Loads an archive (the file at `path`, or `stream`, named `path`): extracted once, read
 * as whichever format it holds.
 */
async function loadArchive(
  run: LoadRun,
  path: string,
  stream?: ReadableStream<Uint8Array>,
): Promise<Outcome> {
  const { ctx, context, limits, options } = run;
  const failures: Failure[] = [{
    format: "oci",
    error: new InvalidArchiveError(`oci:${path}`, "Format", "is not a directory"),
  }];
  const budget = new ByteBudget(path, limits.maxBytes);
  const load: ArchiveLoadContext = {
    fs: ctx.fs,
    tmpDir: tempBase(ctx),
    context,
    platform: ctx.platform,
    limits,
    budget,
    facts: new ExtractionFacts(budget),
  };
  let archive: ExtractedArchive | undefined;
  try {
    try {
      archive = await extractPayload(load, path, stream);
    } catch (error) {
      if (isFinal(error, options.signal)) throw error;
      failures.push({ format: "oci-archive", error }, { format: "docker-archive", error });
    }
    if (archive !== undefined) {
      const planners: [string, string[], typeof planOciArchive][] = [
        ["oci-archive", ["index.json"], planOciArchive],
        ["docker-archive", ["manifest.json", "repositories"], planDockerArchive],
      ];
      for (const [format, marks, plan] of planners) {
        try {
          if (!marks.some((mark) => archive!.has(mark))) {
            throw new InvalidArchiveError(
              `${format}:${path}`,
              "Missing",
              `no ${marks.join(" or ")}`,
            );
          }
          const images = await plan(load, archive, path);
          return { loaded: await storeAll(run, images), failures };
        } catch (error) {
          if (isFinal(error, options.signal)) throw error;
          failures.push({ format, error });
        }
      }
    }
  } finally {
    await archive?.remove().catch(() => {});
  }
  failures.push({
    format: "dir",
    error: new InvalidArchiveError(`dir:${path}`, "Format", "is not a directory"),
  });
  return { failures };
}

function loadRun(ctx: OperationContext, limits: LoadLimits, options: LoadOptions): LoadRun {
  const context: TransportContext = { fs: ctx.fs, tmpDir: tempBase(ctx) };
  if (options.signal !== undefined) context.signal = options.signal;
  return { ctx, context, limits, options };
}

/**
 * Loads a stream as an archive, extracted as it arrives (no copy of it is spooled); its
 * bytes count against the byte cap on their own.
 */
async function loadStream(
  ctx: OperationContext,
  input: ReadableStream<Uint8Array>,
  limits: LoadLimits,
  options: LoadOptions,
): Promise<Loaded> {
  const upload = new ByteBudget("-", limits.maxBytes);
  const result = await loadArchive(
    loadRun(ctx, limits, options),
    "-",
    input.pipeThrough(upload.meter()),
  );
  options.signal?.throwIfAborted();
  if (result.loaded !== undefined) return result.loaded;
  throw new LoadError("-", result.failures);
}

async function loadPath(
  ctx: OperationContext,
  path: string,
  limits: LoadLimits,
  options: LoadOptions,
): Promise<Loaded> {
  const isDirectory = await ctx.fs.stat(path).then((info) => info.isDirectory, () => undefined);
  if (isDirectory === undefined) {
    const error = new InvalidArchiveError(path, "Missing", "no such file or directory");
    throw new LoadError(
      path,
      ["oci", "oci-archive", "docker-archive", "dir"].map((format) => ({
        format,
        error,
      })),
    );
  }
  const run = loadRun(ctx, limits, options);
  const result = isDirectory ? await loadFolder(run, path) : await loadArchive(run, path);
  options.signal?.throwIfAborted();
  if (result.loaded !== undefined) return result.loaded;
  throw new LoadError(path, result.failures);
}

/**
 * Loads every image of the payload at `input` (a path, or a stream of an archive, extracted
 * as it arrives) and returns their names: archive tags and OCI ref names (or
 * buildkit's `io.containerd.image.name`) normalized like libimage (`localhost/` for short
 * names); an unnamed image is returned as `sha256:<id>`. One `load` event per name is
 * written after success, named after the path (`-` for a stream).
 *
 * @example
 * ```ts ignore
 * const names = await load(ctx, "/tmp/images.tar", { maxBytes: 2 ** 30 });
 * ```
 *
 * @throws {LoadError} when no format fits; `errors` holds each format's failure.
 * @throws {TooLargeError} past a cap (`maxBytes`, `maxImages`, a metadata file's size).
 */
export async function load(
  ctx: OperationContext,
  input: string | ReadableStream<Uint8Array>,
  options: LoadOptions = {},
): Promise<string[]> {
  if (input === "") throw new TypeError("the load path is empty");
  const limits = loadLimits(ctx, options);
  const eventName = typeof input === "string" ? input : "-";
  const loaded = typeof input === "string"
    ? await loadPath(ctx, input, limits, options)
    : await loadStream(ctx, input, limits, options);
  for (const { record } of loaded) {
    await ctx.events.write({ type: "load", id: record.id, name: eventName, time: ctx.now() });
  }
  return loaded.map(({ name }) => name);
}
