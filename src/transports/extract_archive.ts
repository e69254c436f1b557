/**
 * Extracting an archive once, for a caller that then reads its files by their archive
 * paths (a load hands them to the transports' `listArchiveImages`; a pull from
 * `oci-archive:` or `docker-archive:` reads one image): a tar or tar.gz stream is written
 * into a fresh folder, every regular file hashed (SHA-256) and flushed to stable storage
 * on the way, what it decompresses to learned in the same pass, links kept as a table
 * that never leads outside it. The files can then be handed over as they are
 * (`ImageSource.blobFile`): the store takes them by a rename.
 *
 * @module
 */
import type { FileSystem } from "../fs/mod.ts";
import { gunzipIfCompressed } from "./_streams.ts";
import { extractTar } from "./_tar/mod.ts";
import { tempPath } from "./_temp.ts";
import { type ByteCounter, ExtractionFacts } from "./_extraction_facts.ts";
import type { ArchiveFiles, BlobFile } from "./types.ts";

export type { ByteCounter } from "./_extraction_facts.ts";

/** Options of {@linkcode extractArchive}. */
export interface ExtractArchiveOptions {
  /** Names the archive in errors. */
  what: string;
  /** The folder the fresh folder is made in. */
  tmpDir: string | undefined;
  /** Names the fresh folder (`.stevedore-<label>-...`). */
  label: string;
  /** Stops the extraction. */
  signal?: AbortSignal;
  /** Extracts only the regular files this accepts (links and folders are always kept). */
  filter?: (path: string) => boolean;
  /**
   * Counts the bytes the archive expands to: every chunk of every file as it is written,
   * and what the gzip files among them inflate to; a throw stops the extraction (a
   * load's byte budget). @default none
   */
  budget?: ByteCounter;
}

/** An archive extracted by {@linkcode extractArchive}. */
export interface ExtractedArchiveFiles {
  /** The extracted files. */
  files: ArchiveFiles;
  /**
   * The extracted file at the archive path `path` as a {@linkcode BlobFile} a destination
   * may take (with what it decompresses to, when learned), or `undefined` when there is
   * no such file.
   */
  blobFile(path: string): BlobFile | undefined;
  /** Deletes the extracted files. */
  remove(): Promise<void>;
}

/**
 * Extracts `stream` (a tar, gzip-compressed or not) into a fresh folder under
 * `options.tmpDir` (the OS temporary folder by default); every file is hashed, probed for
 * what it decompresses to, and flushed. On failure nothing is left.
 */
export async function extractArchive(
  fs: FileSystem,
  stream: ReadableStream<Uint8Array>,
  options: ExtractArchiveOptions,
): Promise<ExtractedArchiveFiles> {
  const { budget } = options;
  const facts = new ExtractionFacts(budget);
  const tar = await gunzipIfCompressed(stream, options.what);
  const files = await extractTar(fs, tar, tempPath(options.tmpDir, options.label), {
    what: options.what,
    signal: options.signal,
    filter: options.filter,
    digest: () => true,
    onBytes: budget === undefined ? undefined : (bytes, path) => budget.take(bytes, path),
    observe: (path) => facts.observe(path),
    // The caller may take the files as they are: they must be on disk for good.
    sync: true,
  });
  return {
    files,
    blobFile: (path) => blobFileOf(fs, files, facts, path),
    remove: () => files.remove(),
  };
}

/** The extracted file at `path` as a {@linkcode BlobFile}, with its facts when known. */
function blobFileOf(
  fs: FileSystem,
  files: ArchiveFiles,
  facts: ExtractionFacts,
  path: string,
): BlobFile | undefined {
  const resolved = files.resolve(path);
  if (resolved === undefined) return undefined;
  const file: BlobFile = { fs, path: files.realPath(resolved), size: files.size(resolved) };
  const uncompressed = facts.get(resolved);
  if (uncompressed !== undefined) file.uncompressed = uncompressed;
  return file;
}
