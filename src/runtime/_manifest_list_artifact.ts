/**
 * Building an OCI artifact manifest from local files for `ManifestList.addArtifact`, as
 * libimage's AddArtifact builds it: one layer a file (its media type given or guessed,
 * its base name as the `org.opencontainers.image.title` annotation unless excluded), the
 * empty descriptor as config unless one is given (inlined as `data`, as libimage does),
 * the empty descriptor as the only layer when no file is given, `artifactType`
 * `application/vnd.unknown.artifact.v1` unless told otherwise, and an optional subject.
 *
 * Each file is read once: hashed, sniffed and written to a temporary file in the same
 * pass; the store then takes the temporary file by a rename (streamed and verified only
 * when it cannot). Nothing reaches the store until every file was read.
 *
 * @module
 */
import { digestBytes, digestingStream } from "../digest/mod.ts";
import { ArtifactFileError } from "../errors.ts";
import { hostTmpDir, isNotFound, temporaryName } from "../fs/mod.ts";
import { streamOf } from "../streams/mod.ts";
import { type Descriptor, EMPTY_DESCRIPTOR, MediaType } from "../types/mod.ts";
import { guessMediaType, SNIFF_BYTES } from "./_artifact_media_type.ts";
import { describeSubject } from "./_manifest_list_add.ts";
import type { OperationContext } from "./context.ts";
import type { ManifestListAddArtifactOptions } from "./manifest_list.ts";

/** The artifact type libimage (and ORAS) give an artifact whose type is not told. */
export const UNKNOWN_ARTIFACT_TYPE = "application/vnd.unknown.artifact.v1";
const TITLE = "org.opencontainers.image.title";

/** A file read into a temporary file, with its digest, size and media type. */
interface SpooledFile {
  temp: string;
  digest: string;
  size: number;
  head: Uint8Array;
}

/** An artifact manifest ready to store: its bytes, its index entry and its blobs. */
export interface PreparedArtifact {
  /** The manifest's digest. */
  digest: string;
  /** The list entry for it (no platform). */
  descriptor: Descriptor;
  /** Every blob the artifact needs: manifest, config and layers. */
  blobs: string[];
  /** Writes the blobs into the store (the caller holds the store lock). */
  store(): Promise<void>;
  /** Removes the temporary files left (always call it, after `store` or instead). */
  discard(): Promise<void>;
}

/** Reads `path` once into a temporary file in `dir`, hashing it and keeping its head. */
async function spool(ctx: OperationContext, path: string, dir: string): Promise<SpooledFile> {
  let info;
  try {
    info = await ctx.fs.stat(path);
  } catch (error) {
    if (isNotFound(error)) throw new ArtifactFileError(path, "no such file", { cause: error });
    throw error;
  }
  if (!info.isFile) throw new ArtifactFileError(path, "not a regular file");
  const temp = `${dir}/${temporaryName(".stevedore-artifact")}`;
  const chunks: Uint8Array[] = [];
  let kept = 0;
  const head = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      if (kept < SNIFF_BYTES) {
        chunks.push(chunk.slice(0, SNIFF_BYTES - kept));
        kept += chunks[chunks.length - 1].length;
      }
      controller.enqueue(chunk);
    },
  });
  const count = digestingStream();
  try {
    await (await ctx.fs.openRead(path)).pipeThrough(head).pipeThrough(count)
      .pipeTo(await ctx.fs.openWrite(temp, { sync: true }));
  } catch (error) {
    await ctx.fs.remove(temp).catch(() => {});
    throw new ArtifactFileError(path, "cannot be read", { cause: error });
  }
  const { digest, size } = await count.result;
  const bytes = new Uint8Array(kept);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.length;
  }
  return { temp, digest: digest.toString(), size, head: bytes };
}

function base64(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

/** The config descriptor and its bytes, by libimage's rules. */
function configOf(options: ManifestListAddArtifactOptions): {
  descriptor: Descriptor;
  bytes: Uint8Array;
} {
  const given = typeof options.config === "string"
    ? new TextEncoder().encode(options.config)
    : options.config ?? new Uint8Array();
  if (given.length === 0) {
    const descriptor = { ...EMPTY_DESCRIPTOR };
    if (options.configType) descriptor.mediaType = options.configType;
    return { descriptor, bytes: new TextEncoder().encode("{}") };
  }
  return {
    descriptor: {
      mediaType: options.configType || MediaType.OciConfig,
      digest: digestBytes(given).toString(),
      size: given.length,
      data: base64(given),
    },
    bytes: given.slice(),
  };
}

/** A descriptor with its keys in the order the OCI spec lists them (as Go writes them). */
function ordered(d: Descriptor): Descriptor {
  const out: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
  if (d.annotations !== undefined) out.annotations = d.annotations;
  if (d.data !== undefined) out.data = d.data;
  return out;
}

/**
 * Reads `files` and the subject, and builds the artifact manifest. Nothing is stored
 * yet; on failure, no temporary file is left.
 *
 * @throws {ArtifactFileError} when a file is missing, not a regular file or unreadable.
 * @throws {ImageNotFoundError} when the subject cannot be found.
 */
export async function prepareArtifact(
  ctx: OperationContext,
  files: readonly string[],
  options: ManifestListAddArtifactOptions,
): Promise<PreparedArtifact> {
  // The subject first: it may be remote, and nothing else is worth doing without it.
  const subject = options.subject
    ? await describeSubject(ctx, options.subject, options)
    : undefined;
  const dir = (ctx.tmpDir ?? hostTmpDir()).replace(/\/+$/, "") || "/";
  await ctx.fs.mkdir(dir, { recursive: true });
  const spooled: SpooledFile[] = [];
  const discard = async () => {
    for (const file of spooled) await ctx.fs.remove(file.temp).catch(() => {});
  };
  try {
    for (const file of files) spooled.push(await spool(ctx, file, dir));
  } catch (error) {
    await discard();
    throw error;
  }
  const layers: Descriptor[] = spooled.map((file, i) => {
    const name = files[i].replace(/\/+$/, "");
    const layer: Descriptor = {
      mediaType: options.layerType || guessMediaType(name, file.head),
      digest: file.digest,
      size: file.size,
    };
    if (!options.excludeTitles) {
      layer.annotations = { [TITLE]: name.slice(name.lastIndexOf("/") + 1) };
    }
    return layer;
  });
  if (layers.length === 0) layers.push({ ...EMPTY_DESCRIPTOR });
  const config = configOf(options);
  const artifactType = options.type ?? UNKNOWN_ARTIFACT_TYPE;
  const manifest: Record<string, unknown> = { schemaVersion: 2, mediaType: MediaType.OciManifest };
  if (artifactType !== "") manifest.artifactType = artifactType;
  manifest.config = ordered(config.descriptor);
  manifest.layers = layers.map(ordered);
  if (subject !== undefined) manifest.subject = subject;
  if (options.annotations && Object.keys(options.annotations).length > 0) {
    manifest.annotations = { ...options.annotations };
  }
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const digest = digestBytes(bytes).toString();
  const descriptor: Descriptor = { mediaType: MediaType.OciManifest, digest, size: bytes.length };
  if (artifactType !== "") descriptor.artifactType = artifactType;
  const small = new Map<string, Uint8Array>([
    [config.descriptor.digest, config.bytes],
    [digest, bytes],
  ]);
  if (layers.some((layer) => layer.digest === EMPTY_DESCRIPTOR.digest)) {
    small.set(EMPTY_DESCRIPTOR.digest, new TextEncoder().encode("{}"));
  }
  const blobs = [...new Set([digest, config.descriptor.digest, ...layers.map((l) => l.digest)])];
  return {
    digest,
    descriptor,
    blobs,
    async store() {
      const store = ctx.store;
      for (const [blob, data] of small) {
        if (!(await store.hasBlob(blob, data.length))) {
          await store.putBlob(blob, data.length, streamOf(data));
        }
      }
      for (const file of spooled) {
        if (await store.hasBlob(file.digest, file.size)) continue;
        const adopted = await store.adoptBlob?.(file.digest, {
          fs: ctx.fs,
          path: file.temp,
          size: file.size,
        });
        // Another file system: the bytes are streamed, and the store checks them.
        if (!adopted) await store.putBlob(file.digest, file.size, await ctx.fs.openRead(file.temp));
      }
    },
    discard,
  };
}
