/**
 * The disk operations an image unpacker needs beyond the {@linkcode FileSystem} seam:
 * symbolic and hard links, modes, ownership, times, and `lstat`/`readlink` for resolving
 * paths without following links. Paths are absolute host paths; the caller decides which
 * ones are safe to touch.
 *
 * @module
 */
import { nodeBuiltin, nodeFsPromises as fsp } from "../host/node_builtin.ts";

/** What {@linkcode RootfsWriter.lstat} reports about a path (links are not followed). */
export interface RootfsEntryInfo {
  /** The kind of entry. */
  kind: "file" | "directory" | "symlink" | "other";
  /** The permission bits (and setuid/setgid/sticky). */
  mode: number;
}

/** Writes a root file system on disk; no operation follows a symbolic link at `path`. */
export interface RootfsWriter {
  /** Whether ownership may be set (the process is root). */
  readonly canChown: boolean;
  /** Describes `path`, or `undefined` when nothing is there. */
  lstat(path: string): Promise<RootfsEntryInfo | undefined>;
  /** The target of the symbolic link `path`. */
  readlink(path: string): Promise<string>;
  /** The names inside directory `path`. */
  readdir(path: string): Promise<string[]>;
  /** Creates directory `path` (its parent must exist). */
  mkdir(path: string, mode: number): Promise<void>;
  /** Creates the regular file `path` (which must not exist) from `data`. */
  writeFile(path: string, data: ReadableStream<Uint8Array>, mode: number): Promise<void>;
  /** Creates the symbolic link `path` pointing to `target` (stored as given). */
  symlink(target: string, path: string): Promise<void>;
  /** Creates the hard link `path` to the existing `existing`. */
  link(existing: string, path: string): Promise<void>;
  /** Removes `path` and, for a directory, everything inside (links are not followed). */
  remove(path: string): Promise<void>;
  /** Sets the mode of `path` (not a symbolic link). */
  chmod(path: string, mode: number): Promise<void>;
  /** Sets the owner of `path` without following a symbolic link. */
  lchown(path: string, uid: number, gid: number): Promise<void>;
  /** Sets the access and modification times of `path` without following a link. */
  lutimes(path: string, atime: Date, mtime: Date): Promise<void>;
}

function isMissing(error: unknown): boolean {
  return (error as { code?: string } | null)?.code === "ENOENT";
}

/** A {@linkcode RootfsWriter} over `node:fs/promises`. */
export class NodeRootfsWriter implements RootfsWriter {
  /** Whether ownership may be set. */
  readonly canChown: boolean;

  /** Builds the writer; `canChown` defaults to "the effective user is root". */
  constructor(options: { canChown?: boolean } = {}) {
    this.canChown = options.canChown ?? nodeBuiltin("node:os")?.userInfo().uid === 0;
  }

  /** Describes `path` without following a link, or `undefined` when missing. */
  async lstat(path: string): Promise<RootfsEntryInfo | undefined> {
    try {
      const info = await fsp().lstat(path);
      const kind = info.isSymbolicLink()
        ? "symlink"
        : info.isDirectory()
        ? "directory"
        : info.isFile()
        ? "file"
        : "other";
      return { kind, mode: info.mode & 0o7777 };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /** The target of a symbolic link. */
  readlink(path: string): Promise<string> {
    return fsp().readlink(path);
  }

  /** The names in a directory. */
  readdir(path: string): Promise<string[]> {
    return fsp().readdir(path);
  }

  /** Creates a directory. */
  async mkdir(path: string, mode: number): Promise<void> {
    await fsp().mkdir(path, { mode });
  }

  /** Creates a new file exclusively (`O_EXCL`: never through a link) and streams `data` in. */
  async writeFile(path: string, data: ReadableStream<Uint8Array>, mode: number): Promise<void> {
    const handle = await fsp().open(path, "wx", mode);
    try {
      for await (const chunk of data) {
        let offset = 0;
        while (offset < chunk.length) {
          const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
          offset += bytesWritten;
        }
      }
    } finally {
      await handle.close();
    }
  }

  /** Creates a symbolic link. */
  symlink(target: string, path: string): Promise<void> {
    return fsp().symlink(target, path);
  }

  /** Creates a hard link. */
  link(existing: string, path: string): Promise<void> {
    return fsp().link(existing, path);
  }

  /** Removes a path recursively without following links. */
  remove(path: string): Promise<void> {
    return fsp().rm(path, { recursive: true, force: true });
  }

  /** Sets a mode. */
  chmod(path: string, mode: number): Promise<void> {
    return fsp().chmod(path, mode);
  }

  /** Sets the owner without following a link. */
  lchown(path: string, uid: number, gid: number): Promise<void> {
    return fsp().lchown(path, uid, gid);
  }

  /** Sets the times without following a link. */
  lutimes(path: string, atime: Date, mtime: Date): Promise<void> {
    return fsp().lutimes(path, atime, mtime);
  }
}
