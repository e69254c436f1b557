/**
 * The file-system seam: everything stevedore reads or writes on disk goes through a
 * {@linkcode FileSystem}, so the same code runs on a real disk or fully in memory.
 *
 * @module
 */

/** What {@linkcode FileSystem.stat} reports about a path. */
export interface FileInfo {
  /** True for regular files. */
  isFile: boolean;
  /** True for directories. */
  isDirectory: boolean;
  /** True for symbolic links (stat does not follow them). */
  isSymlink: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification time, in milliseconds since the epoch. */
  mtimeMs: number;
  /** Permission bits. */
  mode: number;
}

/** Options for writing a file. */
export interface WriteFileOptions {
  /** Permission bits of a newly created file. @default 0o644 */
  mode?: number;
  /** Flush the data to stable storage before resolving. @default false */
  sync?: boolean;
}

/**
 * A minimal asynchronous file system. Paths are POSIX-style absolute or relative strings.
 * A missing path makes methods reject with an error whose `code` is `"ENOENT"`
 * (see {@linkcode isNotFound}).
 */
export interface FileSystem {
  /**
   * True when only the current process sees these files (an in-memory file system): the
   * store's lock then needs no process identity. @default false
   */
  readonly processLocal?: boolean;
  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Reads a whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string>;
  /** Creates or replaces a file with `data`. */
  writeFile(path: string, data: Uint8Array | string, options?: WriteFileOptions): Promise<void>;
  /** Streams a file's bytes. */
  openRead(path: string): Promise<ReadableStream<Uint8Array>>;
  /**
   * Creates or replaces a file and returns a stream that writes into it. The stream keeps
   * no chunk once its write resolved (it copied or wrote it): a writer may fill the
   * chunk's memory again then.
   */
  openWrite(path: string, options?: WriteFileOptions): Promise<WritableStream<Uint8Array>>;
  /** Renames `from` to `to`, replacing `to` atomically if it exists. */
  rename(from: string, to: string): Promise<void>;
  /** Creates a directory (and its parents, with `recursive`). */
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void>;
  /** Lists the names in a directory. */
  readDir(path: string): Promise<string[]>;
  /** Describes a path without following a final symbolic link. */
  stat(path: string): Promise<FileInfo>;
  /** Removes a file or (with `recursive`) a directory tree; a missing path is not an error. */
  remove(path: string, options?: { recursive?: boolean }): Promise<void>;
}

/** Tells whether `error` means "no such file or directory". */
export function isNotFound(error: unknown): boolean {
  return typeof error === "object" && error !== null &&
    (error as { code?: unknown }).code === "ENOENT";
}

/** Tells whether `path` exists on `fs`. */
export async function exists(fs: FileSystem, path: string): Promise<boolean> {
  try {
    await fs.stat(path);
    return true;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * Writes a file so that readers see either the old or the new content, never a mix:
 * write a temporary sibling, flush it, then rename it over the target.
 */
export async function writeFileAtomic(
  fs: FileSystem,
  path: string,
  data: Uint8Array | string,
  options?: WriteFileOptions,
): Promise<void> {
  const temporary = `${path}.tmp-${crypto.randomUUID()}`;
  try {
    await fs.writeFile(temporary, data, { ...options, sync: true });
    await fs.rename(temporary, path);
  } catch (error) {
    await fs.remove(temporary).catch(() => {});
    throw error;
  }
}
