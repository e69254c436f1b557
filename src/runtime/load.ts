/**
 * Loading images from a path or a stream (libimage's `Load`). The formats are the
 * transports of the runtime's table that can list a payload's images, tried in table
 * order (`oci`, `oci-archive`, `docker-archive`, `dir` in the standard set, then any added
 * ones): a folder goes to those with `listFolderImages`; a file or a stream is extracted
 * once, as it is read (see `_load_archive.ts`), and goes to those with
 * `listArchiveImages`. Every image is checked against the payload's bytes before the
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
import type { ImageRecord } from "../store/types.ts";
import type {
  ListedImage,
  ListPayloadOptions,
  Transport,
  TransportContext,
} from "../transports/types.ts";
import { copyIntoStore, sourceImageId } from "./_pull_copy.ts";
import { checkImageCount, type ExtractedLoad, extractPayload } from "./_load_archive.ts";
import { ByteBudget, type LoadLimits, loadLimits } from "./_load_limits.ts";
import type { LocalOperationContext } from "./context.ts";
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
  ctx: LocalOperationContext;
  context: TransportContext;
  limits: LoadLimits;
  options: LoadOptions;
  /** The formats: the transports that list a payload's images, in table order. */
  formats: Transport[];
}

/** Whether `error` ends the load: a cap, a cancel, or the signature policy saying no. */
function isFinal(error: unknown, signal: AbortSignal | undefined): boolean {
  return error instanceof TooLargeError || signal?.aborted === true ||
    error instanceof ImageRejectedError || error instanceof PolicyError ||
    error instanceof SignatureError || error instanceof KeyError;
}

/** The transports of the runtime's table that can list a payload's images, in table order. */
function loadFormats(ctx: LocalOperationContext): Transport[] {
  const table = ctx.transports;
  return table.names()
    .map((name) => table.get(name)!)
    .filter((transport) =>
      transport.listFolderImages !== undefined || transport.listArchiveImages !== undefined
    );
}

/**
 * Caps the listed images (`what` names the payload), then checks each against the
 * payload's bytes: with its own check, else by reading it once and hashing every blob.
 */
async function checkImages(run: LoadRun, what: string, images: ListedImage[]): Promise<void> {
  checkImageCount(what, images, run.limits);
  for (const image of images) {
    if (image.check !== undefined) await image.check();
    else await verifyByReading(image.reference, run.context, run.ctx.platform);
  }
}

/** Copies the listed images into the store; returns the loaded names (or `sha256:<id>`). */
async function storeAll(run: LoadRun, images: ListedImage[]): Promise<Loaded> {
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

function tempBase(ctx: LocalOperationContext): string {
  return (ctx.tmpDir ?? ".").replace(/\/+$/, "") || "/";
}

function listOptions(run: LoadRun): ListPayloadOptions {
  return { context: run.context, platform: run.ctx.platform };
}

/** Loads a folder with the formats that list folders (an OCI layout, a `dir:` image). */
async function loadFolder(run: LoadRun, path: string): Promise<Outcome> {
  const { options } = run;
  const failures: Failure[] = [];
  for (const transport of run.formats) {
    const format = transport.name;
    options.signal?.throwIfAborted();
    try {
      if (transport.listFolderImages === undefined) {
        throw new InvalidArchiveError(`${format}:${path}`, "Format", "is a directory");
      }
      const images = await transport.listFolderImages(path, listOptions(run));
      if (images.length === 0) throw new TypeError("the payload holds no image");
      await checkImages(run, path, images);
      return { loaded: await storeAll(run, images), failures };
    } catch (error) {
      if (isFinal(error, options.signal)) throw error;
      failures.push({ format, error });
    }
  }
  return { failures };
}

/**
 * Loads an archive (the file at `path`, or `stream`, named `path`): extracted once, read
 * by the formats that list archives, the first whose files it holds.
 */
async function loadArchive(
  run: LoadRun,
  path: string,
  stream?: ReadableStream<Uint8Array>,
): Promise<Outcome> {
  const { ctx, context, limits, options } = run;
  const failures: Failure[] = [];
  let extracted: ExtractedLoad | undefined;
  let extractionError: unknown;
  try {
    if (run.formats.some((transport) => transport.listArchiveImages !== undefined)) {
      try {
        extracted = await extractPayload(
          {
            fs: ctx.fs,
            tmpDir: tempBase(ctx),
            signal: context.signal,
            budget: new ByteBudget(path, limits.maxBytes),
          },
          path,
          stream,
        );
      } catch (error) {
        if (isFinal(error, options.signal)) throw error;
        extractionError = error;
      }
    }
    for (const transport of run.formats) {
      const format = transport.name;
      if (transport.listArchiveImages === undefined) {
        const error = new InvalidArchiveError(`${format}:${path}`, "Format", "is not a directory");
        failures.push({ format, error });
        continue;
      }
      if (extracted === undefined) {
        failures.push({ format, error: extractionError });
        continue;
      }
      try {
        const images = await transport.listArchiveImages(extracted.payload, listOptions(run));
        await checkImages(run, `${format}:${path}`, images);
        return { loaded: await storeAll(run, images), failures };
      } catch (error) {
        if (isFinal(error, options.signal)) throw error;
        failures.push({ format, error });
      }
    }
  } finally {
    await extracted?.remove().catch(() => {});
  }
  return { failures };
}

function loadRun(ctx: LocalOperationContext, limits: LoadLimits, options: LoadOptions): LoadRun {
  const context: TransportContext = { fs: ctx.fs, tmpDir: tempBase(ctx) };
  if (options.signal !== undefined) context.signal = options.signal;
  return { ctx, context, limits, options, formats: loadFormats(ctx) };
}

/**
 * Loads a stream as an archive, extracted as it arrives (no copy of it is spooled); its
 * bytes count against the byte cap on their own.
 */
async function loadStream(
  ctx: LocalOperationContext,
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
  ctx: LocalOperationContext,
  path: string,
  limits: LoadLimits,
  options: LoadOptions,
): Promise<Loaded> {
  const isDirectory = await ctx.fs.stat(path).then((info) => info.isDirectory, () => undefined);
  if (isDirectory === undefined) {
    const error = new InvalidArchiveError(path, "Missing", "no such file or directory");
    throw new LoadError(
      path,
      loadFormats(ctx).map(({ name }) => ({ format: name, error })),
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
  ctx: LocalOperationContext,
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
