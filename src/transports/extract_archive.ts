/**
 * Extracting an archive once, for a caller that then reads its files by their archive
 * paths (a load hands them to the transports' `listArchiveImages`): a tar or tar.gz
 * stream is written into a fresh folder, every regular file hashed (SHA-256) and flushed
 * to stable storage on the way, links kept as a table that never leads outside it.
 *
 * @module
 */
import type { FileSystem } from "../fs/mod.ts";
import { gunzipIfCompressed } from "./_streams.ts";
import { type EntryObserver, extractTar } from "./_tar/mod.ts";
import { tempPath } from "./_temp.ts";
import type { ArchiveFiles } from "./types.ts";

export type { EntryObserver } from "./_tar/mod.ts";

/** Options of {@linkcode extractArchive}. */
export interface ExtractArchiveOptions {
  /** Names the archive in errors. */
  what: string;
  /** The folder the fresh folder is made in. */
  tmpDir: string;
  /** Names the fresh folder (`.stevedore-<label>-...`). */
  label: string;
  /** Stops the extraction. */
  signal?: AbortSignal;
  /** Called with the size of every chunk (and its file) before it is written; may throw. */
  onBytes?: (bytes: number, path: string) => void;
  /** Returns what sees the bytes of the regular file `path` as they are written. */
  observe?: (path: string) => EntryObserver | undefined;
}

/**
 * Extracts `stream` (a tar, gzip-compressed or not) into a fresh folder under
 * `options.tmpDir`; every file is hashed and flushed. On failure nothing is left.
 */
export async function extractArchive(
  fs: FileSystem,
  stream: ReadableStream<Uint8Array>,
  options: ExtractArchiveOptions,
): Promise<ArchiveFiles> {
  const tar = await gunzipIfCompressed(stream, options.what);
  return await extractTar(fs, tar, tempPath(options.tmpDir, options.label), {
    what: options.what,
    signal: options.signal,
    digest: () => true,
    onBytes: options.onBytes,
    observe: options.observe,
    // The caller may take the files as they are: they must be on disk for good.
    sync: true,
  });
}
