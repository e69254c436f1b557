/**
 * Importing a root file system tarball as an image (libimage's `Import`): the tarball
 * (plain, gzip or zstd; a path, an `http(s)` URL or a stream) becomes one gzip layer, and
 * a config with the requested changes, platform and history comment is written; the
 * image ID is the config digest. No event is written.
 *
 * @module
 */
import { temporaryName } from "../fs/mod.ts";
import { decompressStream, gzipStream } from "../compression/mod.ts";
import { digestBytes, digestingStream } from "../digest/mod.ts";
import { InvalidArchiveError, RegistryError } from "../errors.ts";
import { streamOf } from "../streams/mod.ts";
import { normalizePlatformChoice, parsePlatform, type PlatformChoice } from "../platform/mod.ts";
import { normalizeName } from "../reference/mod.ts";
import type { ImageConfig, ImageManifest } from "../types/mod.ts";
import { MediaType } from "../types/mod.ts";
import { configFromChanges } from "./_import_changes.ts";
import type { LocalOperationContext } from "./context.ts";
import { ByteBudget, loadLimits } from "./_load_limits.ts";

/** Options of {@linkcode importImage}. */
export interface ImportOptions {
  /** The name to give the image (short names get `localhost/`). @default unnamed */
  reference?: string;
  /** Dockerfile-style config changes (`CMD …`, `ENV=A=1`, …). @default [] */
  changes?: string[];
  /** The history comment (commit message). @default "" */
  message?: string;
  /** The platform, e.g. `linux/arm64/v8`; overridden per part below. @default the runtime's */
  platform?: string | PlatformChoice;
  /** The OS. @default the runtime's */
  os?: string;
  /** The architecture. @default the runtime's */
  architecture?: string;
  /** The variant. @default none, or the runtime's explicit one */
  variant?: string;
  /** Receives "Downloading from …" for URLs. */
  writer?: (line: string) => void;
  /** Cancels the import; what it wrote is removed. */
  signal?: AbortSignal;
  /**
   * The most uncompressed bytes the tarball may expand to (a `TooLargeError` beyond).
   * @default the runtime's `maxLoadBytes`
   */
  maxBytes?: number;
}

const BLOCK = 512;

/** Passes bytes through, failing when the first block is neither a tar header nor zeros. */
function tarHeaderCheck(what: string): TransformStream<Uint8Array, Uint8Array> {
  let head = new Uint8Array(0);
  let checked = false;
  const check = () => {
    checked = true;
    if (head.length === 0) return;
    if (head.length < BLOCK) {
      throw new InvalidArchiveError(what, "Truncated", "shorter than one tar block");
    }
    const block = head.subarray(0, BLOCK);
    if (block.every((byte) => byte === 0)) return;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i];
    const field = new TextDecoder().decode(block.subarray(148, 156)).replace(/[\0 ]+/g, "");
    if (!/^[0-7]+$/.test(field) || parseInt(field, 8) !== sum) {
      throw new InvalidArchiveError(what, "BadHeader", "not a tar archive");
    }
  };
  return new TransformStream({
    transform(chunk, controller) {
      if (!checked) {
        const joined = new Uint8Array(head.length + chunk.length);
        joined.set(head);
        joined.set(chunk, head.length);
        head = joined;
        if (head.length >= BLOCK) check();
      }
      controller.enqueue(chunk);
    },
    flush() {
      if (!checked) check();
    },
  });
}

async function openSource(
  ctx: LocalOperationContext,
  source: string | ReadableStream<Uint8Array>,
  options: ImportOptions,
): Promise<ReadableStream<Uint8Array>> {
  if (typeof source !== "string") return source;
  if (/^https?:\/\//i.test(source)) {
    options.writer?.(`Downloading from "${source}"`);
    const fetchFn = ctx.fetch ?? ((input, init) => globalThis.fetch(input, init));
    const response = await fetchFn(source, { signal: options.signal });
    if (!response.ok || response.body === null) {
      await response.body?.cancel().catch(() => {});
      throw new RegistryError(source, response.status, `download failed: ${response.status}`);
    }
    return response.body;
  }
  if (source === "") throw new TypeError("the import source is empty");
  return await ctx.fs.openRead(source);
}

function platformOf(ctx: LocalOperationContext, options: ImportOptions): PlatformChoice {
  const given = typeof options.platform === "string"
    ? parsePlatform(options.platform)
    : options.platform ?? {};
  const choice = normalizePlatformChoice({
    os: options.os || given.os || ctx.customPlatform?.os || ctx.platform.os,
    architecture: options.architecture || given.architecture ||
      ctx.customPlatform?.architecture || ctx.platform.architecture,
    variant: options.variant || given.variant || ctx.customPlatform?.variant,
  });
  if (!choice.variant) delete choice.variant;
  return choice;
}

function json(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/**
 * Imports the tarball `source` and returns `sha256:<id>`.
 *
 * @example
 * ```ts ignore
 * const id = await importImage(ctx, "/tmp/rootfs.tar.gz", {
 *   reference: "myroot",
 *   changes: ["CMD /bin/sh", "ENV PATH=/bin"],
 *   message: "imported",
 * });
 * ```
 *
 * @throws {TypeError} for a malformed change.
 * @throws {InvalidArchiveError} when the (decompressed) source is not a tar archive.
 * @throws {CompressionError} for corrupt compressed data.
 * @throws {TooLargeError} when the tarball expands past `maxBytes`.
 */
export async function importImage(
  ctx: LocalOperationContext,
  source: string | ReadableStream<Uint8Array>,
  options: ImportOptions = {},
): Promise<string> {
  const containerConfig = configFromChanges(options.changes ?? []);
  const name = options.reference ? normalizeName(options.reference).toString() : undefined;
  const platform = platformOf(ctx, options);
  const what = typeof source === "string" ? source : "stream";
  const budget = new ByteBudget(what, loadLimits(ctx, { maxBytes: options.maxBytes }).maxBytes);
  const base = (ctx.tmpDir ?? ".").replace(/\/+$/, "") || "/";
  const spooled = `${base}/${temporaryName(".stevedore-import")}.tar.gz`;
  try {
    const diffTap = digestingStream();
    const blobTap = digestingStream();
    await (await openSource(ctx, source, options))
      .pipeThrough(decompressStream("auto", { what }))
      .pipeThrough(budget.meter())
      .pipeThrough(tarHeaderCheck(what))
      .pipeThrough(diffTap)
      .pipeThrough(gzipStream())
      .pipeThrough(blobTap)
      .pipeTo(await ctx.fs.openWrite(spooled), { signal: options.signal });
    const diffId = (await diffTap.result).digest.toString();
    const layer = await blobTap.result;
    const created = ctx.now().toISOString();
    const config: ImageConfig = {
      created,
      architecture: platform.architecture!,
      os: platform.os!,
      ...(platform.variant ? { variant: platform.variant } : {}),
      config: containerConfig,
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created, ...(options.message ? { comment: options.message } : {}) }],
    };
    const configBytes = json(config);
    const configDigest = digestBytes(configBytes).toString();
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: configDigest, size: configBytes.length },
      layers: [{
        mediaType: MediaType.OciLayerGzip,
        digest: layer.digest.toString(),
        size: layer.size,
      }],
    };
    const manifestBytes = json(manifest);
    const id = configDigest.slice("sha256:".length);
    const destination = await ctx.storage.parse(name ?? `@${id}`).newDestination({ fs: ctx.fs });
    try {
      await destination.putBlob(
        { digest: layer.digest.toString(), size: layer.size, mediaType: MediaType.OciLayerGzip },
        await ctx.fs.openRead(spooled),
      );
      await destination.putBlob(
        { digest: configDigest, size: configBytes.length, mediaType: MediaType.OciConfig },
        streamOf(configBytes),
      );
      await destination.putManifest({
        bytes: manifestBytes,
        mediaType: MediaType.OciManifest,
        digest: digestBytes(manifestBytes).toString(),
      });
      await destination.commit();
    } finally {
      await destination.close();
    }
    return `sha256:${id}`;
  } finally {
    await ctx.fs.remove(spooled).catch(() => {});
  }
}
