/**
 * Saving local images (libimage's `Save`): one image into an OCI archive, an OCI layout
 * or a `dir:` folder, or one or more images into a `docker save` archive; to a path or a
 * stream, with one `save` event per requested name, written even when the save failed.
 *
 * @module
 */
import { copyBetween, type CopyProgressEvent } from "../copy/mod.ts";
import { InvalidReferenceError, UnsupportedTransportError } from "../errors.ts";
import { normalizeName } from "../reference/mod.ts";
import { parseDirReference } from "../transports/dir/mod.ts";
import {
  DockerArchiveWriter,
  dockerArchiveWriterReference,
} from "../transports/docker_archive/mod.ts";
import {
  ociArchiveOutputReference,
  OciArchiveReference,
  ociArchiveTransport,
} from "../transports/oci_archive/mod.ts";
import { OciReference, ociTransport } from "../transports/oci/mod.ts";
import type { ImageReference, TransportContext } from "../transports/types.ts";
import { MediaType } from "../types/mod.ts";
import type { LookupResult } from "../lookup/types.ts";
import type { OperationContext } from "./context.ts";
import { transportContext } from "./_pull_copy.ts";

/** The formats {@linkcode save} writes. */
export type SaveFormat = "oci-archive" | "oci-dir" | "docker-dir" | "docker-archive";

const FORMATS: readonly string[] = ["oci-archive", "oci-dir", "docker-dir", "docker-archive"];

/** Options of {@linkcode save}. */
export interface SaveOptions {
  /** The format: an archive (`oci-archive`, `docker-archive`) or a folder. */
  format: SaveFormat;
  /**
   * Where to write: a path (an archive is renamed into place once complete), or a stream
   * that receives the archive as it is written (archive formats only; aborted when the
   * save fails).
   */
  output: string | WritableStream<Uint8Array>;
  /** More tags for a `docker-archive` of one image; unparseable ones are skipped. @default [] */
  additionalTags?: string[];
  /** Compress the layers of a `docker-dir` folder. @default false */
  compress?: boolean;
  /**
   * Keep uncompressed layers as they are in an `oci-archive` or `oci-dir` (podman's
   * `--uncompressed`); without it they are compressed. @default false
   */
  uncompressed?: boolean;
  /** Receives copy progress. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the save; nothing complete-looking is left behind. */
  signal?: AbortSignal;
}

/** The transport context of a save: its signal, and whether OCI formats keep uncompressed layers. */
function saveContext(ctx: OperationContext, options: SaveOptions): TransportContext {
  return transportContext(ctx, {
    signal: options.signal,
    ociAcceptUncompressedLayers: options.uncompressed,
  });
}

async function writeSaveEvent(ctx: OperationContext, id: string, path: string): Promise<void> {
  await ctx.events.write({ type: "save", id, name: path, time: ctx.now() });
}

/** The tags of additional names: unparseable ones skipped, untagged ones refused. */
function additionalTagsOf(tags: readonly string[]): string[] {
  const result: string[] = [];
  for (const tag of tags) {
    let named;
    try {
      named = normalizeName(tag);
    } catch {
      continue;
    }
    if (named.tag === undefined) {
      throw new InvalidReferenceError(
        tag,
        "InvalidFormat",
        `invalid additional tag: normalized to untagged "${named}"`,
      );
    }
    result.push(named.toString());
  }
  return result;
}

/** The tag a looked-up name gives an archive image, if it is a tagged name. */
function resolvedTag(found: LookupResult): string | undefined {
  if (found.byId || found.resolvedName === "") return undefined;
  try {
    const named = normalizeName(found.resolvedName);
    return named.tag === undefined ? undefined : named.toString();
  } catch {
    return undefined;
  }
}

async function saveSingle(
  ctx: OperationContext,
  name: string,
  output: string | WritableStream<Uint8Array>,
  eventName: string,
  options: SaveOptions,
): Promise<void> {
  const found = await ctx.lookup(name);
  try {
    const tag = found.byId || found.resolvedName === "" ? undefined : found.resolvedName;
    const path = typeof output === "string" ? output : "-";
    let destination: ImageReference;
    let manifestType: string | undefined;
    switch (options.format) {
      case "oci-archive":
        destination = typeof output === "string"
          ? new OciArchiveReference(ociArchiveTransport, output, tag)
          : ociArchiveOutputReference(output, tag);
        break;
      case "oci-dir":
        destination = new OciReference(ociTransport, path, tag);
        manifestType = MediaType.OciManifest;
        break;
      default:
        destination = parseDirReference(path, { forceCompress: options.compress ?? false });
        manifestType = MediaType.DockerManifest;
    }
    await copyBetween(ctx.storage.parse(`@${found.image.id}`), destination, {
      context: saveContext(ctx, options),
      platform: ctx.platform,
      manifestType,
      onProgress: options.onProgress,
      signal: options.signal,
    });
  } finally {
    await writeSaveEvent(ctx, found.image.id, eventName);
  }
}

async function saveDockerArchive(
  ctx: OperationContext,
  names: readonly string[],
  output: string | WritableStream<Uint8Array>,
  eventName: string,
  options: SaveOptions,
): Promise<void> {
  const extra = additionalTagsOf(options.additionalTags ?? []);
  const order: string[] = [];
  const tagsById = new Map<string, string[]>();
  const events: string[] = [];
  try {
    for (const name of new Set(names)) {
      const found = await ctx.lookup(name);
      events.push(found.image.id);
      let tags = tagsById.get(found.image.id);
      if (tags === undefined) {
        tagsById.set(found.image.id, tags = [...extra]);
        order.push(found.image.id);
      }
      const tag = resolvedTag(found);
      if (tag !== undefined) tags.push(tag);
    }
    const context = saveContext(ctx, options);
    const writer = new DockerArchiveWriter(ctx.fs, output, {
      tmpDir: ctx.tmpDir,
      signal: options.signal,
    });
    try {
      for (const id of order) {
        const tags = [...new Set(tagsById.get(id))];
        await copyBetween(ctx.storage.parse(`@${id}`), dockerArchiveWriterReference(writer, tags), {
          context,
          platform: ctx.platform,
          manifestType: MediaType.DockerManifest,
          onProgress: options.onProgress,
          signal: options.signal,
        });
      }
      await writer.commit();
    } finally {
      await writer.close();
    }
  } finally {
    for (const id of events) await writeSaveEvent(ctx, id, eventName);
  }
}

function checkArguments(names: readonly string[], options: SaveOptions): void {
  if (names.length === 0) throw new TypeError("no image specified for saving images");
  if (!FORMATS.includes(options.format)) {
    throw new UnsupportedTransportError(
      String(options.format),
      "unsupported format for saving images",
    );
  }
  if (names.length > 1) {
    if (options.format !== "docker-archive") {
      throw new UnsupportedTransportError(
        options.format,
        "unsupported format for saving multiple images (only docker-archive)",
      );
    }
    if ((options.additionalTags ?? []).length > 0) {
      throw new TypeError(
        "tags are not supported for saving multiple images (only docker-archive)",
      );
    }
  }
  if (options.compress && options.format !== "docker-dir") {
    throw new TypeError("compress can only be set when the format is docker-dir");
  }
  if (typeof options.output !== "string" && !options.format.endsWith("-archive")) {
    throw new TypeError(`Cannot save "${options.format}" to a stream: not an archive format`);
  }
  if (typeof options.output === "string" && options.output === "") {
    throw new TypeError("the output path is empty");
  }
}

/**
 * Saves the images `names` (names, IDs or digests of local images).
 *
 * `oci-archive` and `oci-dir` hold one image, named by its resolved name unless it was
 * given by ID; `docker-dir` holds one image as a `dir:` folder (Docker schema 2);
 * `docker-archive` holds several, grouped by image ID, each tagged with its resolved
 * names (and `additionalTags` for a single name). Archives are written atomically. Each
 * requested name gets a `save` event named after the output (`-` for a stream), even when
 * the save failed after the lookup.
 *
 * @example
 * ```ts ignore
 * await save(ctx, ["alpine", "busybox"], { format: "docker-archive", output: "/tmp/a.tar" });
 * ```
 *
 * @throws {ImageNotFoundError} when a name is not a local image.
 * @throws {UnsupportedTransportError} for an unknown format, or several names in another
 * format than `docker-archive`.
 * @throws {InvalidReferenceError} for an additional tag that normalizes to an untagged name.
 * @throws {TypeError} without names, or with additional tags for several names.
 */
export async function save(
  ctx: OperationContext,
  names: readonly string[],
  options: SaveOptions,
): Promise<void> {
  checkArguments(names, options);
  const output = options.output;
  // A stream's events are named "-", like the CLI's stdout.
  const eventName = typeof output === "string" ? output : "-";
  try {
    if (options.format === "docker-archive") {
      await saveDockerArchive(ctx, names, output, eventName, options);
    } else {
      await saveSingle(ctx, names[0], output, eventName, options);
    }
  } catch (error) {
    // The writer aborts a stream it began; one it never began is aborted here.
    if (typeof output !== "string") await output.abort(error).catch(() => {});
    throw error;
  }
}
