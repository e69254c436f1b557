/**
 * The store's blobs: content-addressed files under `blobs/<algorithm>/<hex>`, written to
 * `tmp/` first, verified while written and renamed into place only when complete.
 *
 * @module
 */
import { Digest, digestVerifier } from "../digest/mod.ts";
import { BlobUnknownError } from "../errors.ts";
import { type FileSystem, isNotFound, temporaryName } from "../fs/mod.ts";
import type { StorePutBlobOptions } from "./types.ts";

/** The path of blob `digest` under the store `root`; a malformed digest throws. */
export function blobPath(root: string, digest: string): string {
  const parsed = Digest.parse(digest);
  return `${root}/blobs/${parsed.algorithm}/${parsed.hex}`;
}

/** Whether blob `digest` is stored (with `size` bytes, when `size` is given and >= 0). */
export async function hasStoredBlob(
  fs: FileSystem,
  root: string,
  digest: string,
  size?: number,
): Promise<boolean> {
  try {
    const info = await fs.stat(blobPath(root, digest));
    return info.isFile && (size === undefined || size < 0 || info.size === size);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/** The size of stored blob `digest`, or `undefined` when it is missing. */
export async function storedBlobSize(
  fs: FileSystem,
  root: string,
  digest: string,
): Promise<number | undefined> {
  try {
    return (await fs.stat(blobPath(root, digest))).size;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/**
 * Writes `stream` as blob `digest`: into `tmp/`, through a verifier of the digest (and of
 * `size` when >= 0; skipped when `options.verified` says the stream checks itself) and
 * then `options.through`, flushed, then renamed into place. A failure leaves nothing
 * behind.
 */
export async function writeStoredBlob(
  fs: FileSystem,
  root: string,
  digest: string,
  size: number,
  stream: ReadableStream<Uint8Array>,
  options: StorePutBlobOptions = {},
): Promise<void> {
  const target = blobPath(root, digest);
  const { through } = options;
  const verified = options.verified === true
    ? stream
    : stream.pipeThrough(digestVerifier(digest, { ...(size >= 0 ? { size } : {}), what: digest }));
  // The name carries this process's identity: a store opened after we died removes it.
  const temporary = `${root}/tmp/${temporaryName("blob")}`;
  try {
    const sink = await fs.openWrite(temporary, { sync: true });
    await (through === undefined ? verified : verified.pipeThrough(through)).pipeTo(sink);
    await renameIntoPlace(fs, temporary, target);
  } catch (error) {
    await fs.remove(temporary).catch(() => {});
    throw error;
  }
}

/** Renames a finished blob into place, making its algorithm's folder only when missing. */
async function renameIntoPlace(fs: FileSystem, temporary: string, target: string): Promise<void> {
  try {
    await fs.rename(temporary, target);
  } catch (error) {
    if (!isNotFound(error)) throw error;
    await fs.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
    await fs.rename(temporary, target);
  }
}

/** Streams stored blob `digest`; a missing blob throws {@linkcode BlobUnknownError}. */
export async function openStoredBlob(
  fs: FileSystem,
  root: string,
  digest: string,
): Promise<ReadableStream<Uint8Array>> {
  try {
    return await fs.openRead(blobPath(root, digest));
  } catch (error) {
    if (isNotFound(error)) throw new BlobUnknownError(digest, { cause: error });
    throw error;
  }
}

/** Reads stored blob `digest` whole; a missing blob throws {@linkcode BlobUnknownError}. */
export async function readStoredBlob(
  fs: FileSystem,
  root: string,
  digest: string,
): Promise<Uint8Array> {
  try {
    return await fs.readFile(blobPath(root, digest));
  } catch (error) {
    if (isNotFound(error)) throw new BlobUnknownError(digest, { cause: error });
    throw error;
  }
}
