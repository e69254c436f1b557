/**
 * The store's blobs: content-addressed files under `blobs/<algorithm>/<hex>`, written to
 * `tmp/` first, verified while written and renamed into place only when complete (the OCI
 * layout code it shares with the `oci:` transport, in `oci_layout.ts`).
 *
 * @module
 */
import { BlobUnknownError } from "../errors.ts";
import { type FileSystem, isNotFound, temporaryName } from "../fs/mod.ts";
import { hasLayoutBlob, layoutBlobPath, writeLayoutBlob } from "./oci_layout.ts";
import type { StorePutBlobOptions } from "./types.ts";

/** The path of blob `digest` under the store `root`; a malformed digest throws. */
export const blobPath: (root: string, digest: string) => string = layoutBlobPath;

/** Whether blob `digest` is stored (with `size` bytes, when `size` is given and >= 0). */
export const hasStoredBlob: (
  fs: FileSystem,
  root: string,
  digest: string,
  size?: number,
) => Promise<boolean> = hasLayoutBlob;

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
 * shown to `options.tap`, flushed, then renamed into place. A failure leaves nothing
 * behind.
 */
export function writeStoredBlob(
  fs: FileSystem,
  root: string,
  digest: string,
  size: number,
  stream: ReadableStream<Uint8Array>,
  options: StorePutBlobOptions = {},
): Promise<void> {
  // The name carries this process's identity: a store opened after we died removes it.
  return writeLayoutBlob(fs, root, digest, size, stream, {
    temporary: `${root}/tmp/${temporaryName("blob")}`,
    sync: true,
    tap: options.tap,
    verified: options.verified,
  });
}

/**
 * Moves `file` (known to hold blob `digest`) into place as that blob, by a rename on the
 * store's file system `fs`; `false` (the file left where it is) for a file on another
 * file system (another `FileSystem`, or another device) or of another size.
 */
export async function adoptStoredBlob(
  fs: FileSystem,
  root: string,
  digest: string,
  file: { fs: FileSystem; path: string; size: number },
): Promise<boolean> {
  if (file.fs !== fs) return false;
  const target = blobPath(root, digest);
  if ((await fs.stat(file.path)).size !== file.size) return false;
  try {
    try {
      await fs.rename(file.path, target);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await fs.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await fs.rename(file.path, target);
    }
  } catch (error) {
    if ((error as { code?: unknown }).code === "EXDEV") return false;
    throw error;
  }
  return true;
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
