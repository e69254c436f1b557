/**
 * Safe, streaming tar reading and atomic tar writing for the archive transports.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../../fs/mod.ts";
 * import { extractTar, writeTarAtomic } from "./mod.ts";
 * const fs = new MemoryFileSystem();
 * await writeTarAtomic(fs, "/a.tar", [{ path: "hello.txt", kind: "file", body: new Uint8Array([104, 105]) }]);
 * const archive = await extractTar(fs, await fs.openRead("/a.tar"), "/out", { what: "/a.tar" });
 * console.log(archive.files()); // ["hello.txt"]
 * ```
 *
 * @module
 */
export { readTar, type ReadTarOptions, type TarEntry, type TarEntryKind } from "./tar_reader.ts";
export { MAX_PAX_BYTES, MAX_TAR_ENTRIES } from "./tar_reader.ts";
export {
  type EntryObserver,
  ExtractedArchive,
  extractTar,
  type ExtractTarOptions,
} from "./extract_tar.ts";
export {
  AtomicTarWriter,
  type TarWriteEntry,
  TarWriter,
  writeTarAtomic,
  type WriteTarOptions,
} from "./tar_writer.ts";
export {
  BlobTarWriter,
  type BlobTarWriterOptions,
  checkedBlob,
  type TarTarget,
} from "./blob_tar_writer.ts";
export { checkMetadataSize, MAX_METADATA_BYTES, readTarFiles } from "./read_tar_files.ts";
export { openArchiveStream } from "./open_archive.ts";
export { MAX_TAR_PATH_LENGTH, normalizeEntryPath, resolveLinkTarget } from "./safe_path.ts";
