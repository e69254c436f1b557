/**
 * Loading from an archive file: the tar (or tar.gz) is extracted once, into the runtime's
 * temporary folder (the store's `tmp/` by default), every file hashed on the way, flushed,
 * and counted against the byte budget; what a file decompresses to (a layer's diff ID and
 * size) is learned in the same pass (`extractArchive`). The transports with the
 * `listArchiveImages` capability then tell whether the archive is of their format and
 * list its images, and every image is checked against the extracted bytes before anything
 * reaches the store. Nothing is copied twice: the store takes the extracted files by a
 * rename (`ImageSource.blobFile`), each byte read and hashed once; only what cannot be
 * moved (another file system) is streamed.
 *
 * @module
 */
import { TooLargeError } from "../errors.ts";
import type { FileSystem } from "../fs/mod.ts";
import { extractArchive } from "../transports/extract_archive.ts";
import type { ExtractedPayload, ListedImage } from "../transports/types.ts";
import type { ByteBudget, LoadLimits } from "./_load_limits.ts";

/** What extracting one payload needs besides the path. */
export interface ArchiveLoadContext {
  /** The file system of the archive and the temporary folder. */
  fs: FileSystem;
  /** Where the archive is extracted. */
  tmpDir: string;
  /** Stops the extraction. */
  signal?: AbortSignal;
  /** Counts the uncompressed bytes the archive expands to. */
  budget: ByteBudget;
}

/** An extracted archive as the transports list it, and what removes it. */
export interface ExtractedLoad {
  /** What the transports' `listArchiveImages` are given. */
  payload: ExtractedPayload;
  /** Deletes the extracted files. */
  remove(): Promise<void>;
}

/**
 * Extracts the archive at `path` (or `stream`, named `path`) once into a fresh temporary
 * folder, hashing, flushing and probing every file, each byte counted against the budget.
 */
export async function extractPayload(
  load: ArchiveLoadContext,
  path: string,
  stream?: ReadableStream<Uint8Array>,
): Promise<ExtractedLoad> {
  const { fs, budget } = load;
  // Hashed and flushed: the store may take the files as they are.
  const archive = await extractArchive(fs, stream ?? await fs.openRead(path), {
    what: path,
    tmpDir: load.tmpDir,
    label: "load",
    signal: load.signal,
    budget,
  });
  return {
    payload: {
      path,
      fs,
      files: archive.files,
      blobFile: archive.blobFile,
      countBytes: (bytes, entry) => budget.take(bytes, entry),
    },
    remove: archive.remove,
  };
}

/** Refuses a payload with more images (each name counting) than the cap. */
export function checkImageCount(what: string, images: ListedImage[], limits: LoadLimits): void {
  const count = images.reduce((sum, image) => sum + Math.max(1, image.names.length), 0);
  if (count > limits.maxImages) {
    throw new TooLargeError(
      what,
      limits.maxImages,
      `the payload holds ${count} images and names, more than one load may store`,
    );
  }
}
