/**
 * An in-memory {@linkcode FileSystem}, for tests and for runtimes without a disk.
 *
 * @module
 */
import type { FileInfo, FileSystem, WriteFileOptions } from "./file_system.ts";
import { concatBytes } from "../streams/concat_bytes.ts";

interface MemoryFile {
  kind: "file";
  data: Uint8Array;
  mode: number;
  mtimeMs: number;
}

interface MemoryDirectory {
  kind: "dir";
  mode: number;
  mtimeMs: number;
}

type MemoryEntry = MemoryFile | MemoryDirectory;

function fsError(code: string, syscall: string, path: string): Error {
  const error = new Error(`${code}: ${syscall} "${path}"`) as Error & { code: string };
  error.code = code;
  return error;
}

function normalize(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return "/" + parts.join("/");
}

function parentOf(path: string): string {
  const index = path.lastIndexOf("/");
  return index <= 0 ? "/" : path.slice(0, index);
}

/** A {@linkcode FileSystem} that keeps every file in memory; relative paths start at `/`. */
export class MemoryFileSystem implements FileSystem {
  /** Only this process sees these files. */
  readonly processLocal = true;
  #entries = new Map<string, MemoryEntry>([["/", { kind: "dir", mode: 0o755, mtimeMs: 0 }]]);

  #get(path: string, syscall: string): MemoryEntry {
    const entry = this.#entries.get(normalize(path));
    if (!entry) throw fsError("ENOENT", syscall, path);
    return entry;
  }

  #file(path: string, syscall: string): MemoryFile {
    const entry = this.#get(path, syscall);
    if (entry.kind !== "file") throw fsError("EISDIR", syscall, path);
    return entry;
  }

  #requireParent(path: string, syscall: string): void {
    const parent = this.#entries.get(parentOf(normalize(path)));
    if (!parent) throw fsError("ENOENT", syscall, path);
    if (parent.kind !== "dir") throw fsError("ENOTDIR", syscall, path);
  }

  #put(path: string, data: Uint8Array, mode: number): void {
    this.#requireParent(path, "open");
    const existing = this.#entries.get(normalize(path));
    if (existing?.kind === "dir") throw fsError("EISDIR", "open", path);
    this.#entries.set(normalize(path), { kind: "file", data, mode, mtimeMs: Date.now() });
  }

  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array> {
    return Promise.resolve().then(() => this.#file(path, "open").data.slice());
  }

  /** Reads a whole file as UTF-8 text. */
  async readTextFile(path: string): Promise<string> {
    return new TextDecoder().decode(await this.readFile(path));
  }

  /** Creates or replaces a file with `data`. */
  writeFile(path: string, data: Uint8Array | string, options?: WriteFileOptions): Promise<void> {
    return Promise.resolve().then(() => {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data.slice();
      this.#put(path, bytes, options?.mode ?? 0o644);
    });
  }

  /** Streams a file's bytes. */
  openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    return Promise.resolve().then(() => {
      const data = this.#file(path, "open").data;
      const chunkSize = 64 * 1024;
      let offset = 0;
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          if (offset >= data.byteLength) {
            controller.close();
            return;
          }
          controller.enqueue(data.slice(offset, offset + chunkSize));
          offset += chunkSize;
        },
      });
    });
  }

  /** Creates or replaces a file and returns a stream that writes into it. */
  openWrite(path: string, options?: WriteFileOptions): Promise<WritableStream<Uint8Array>> {
    return Promise.resolve().then(() => {
      this.#put(path, new Uint8Array(0), options?.mode ?? 0o644);
      const chunks: Uint8Array[] = [];
      const flush = () => {
        this.#put(path, concatBytes(chunks), options?.mode ?? 0o644);
        chunks.length = 0; // the stream may outlive the write: do not hold the data twice
      };
      return new WritableStream<Uint8Array>({
        write(chunk) {
          chunks.push(chunk.slice());
        },
        close: flush,
        abort: flush,
      });
    });
  }

  /** Renames `from` to `to`, replacing `to`. */
  rename(from: string, to: string): Promise<void> {
    return Promise.resolve().then(() => {
      const source = normalize(from);
      const target = normalize(to);
      this.#get(from, "rename");
      this.#requireParent(to, "rename");
      if (source === target) return;
      const moved: [string, MemoryEntry][] = [];
      for (const [key, entry] of this.#entries) {
        if (key === source || key.startsWith(source + "/")) moved.push([key, entry]);
      }
      for (const [key] of [...this.#entries]) {
        if (key === target || key.startsWith(target + "/")) this.#entries.delete(key);
      }
      for (const [key, entry] of moved) {
        this.#entries.delete(key);
        this.#entries.set(target + key.slice(source.length), entry);
      }
    });
  }

  /** Creates a directory. */
  mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void> {
    return Promise.resolve().then(() => {
      const target = normalize(path);
      const existing = this.#entries.get(target);
      if (existing) {
        if (options?.recursive && existing.kind === "dir") return;
        throw fsError("EEXIST", "mkdir", path);
      }
      if (options?.recursive) {
        const parent = parentOf(target);
        if (parent !== target && !this.#entries.has(parent)) {
          // Create parents first; errors surface from the recursive call.
          this.#mkdirSync(parent);
        }
      }
      this.#requireParent(target, "mkdir");
      this.#entries.set(target, { kind: "dir", mode: options?.mode ?? 0o755, mtimeMs: Date.now() });
    });
  }

  #mkdirSync(path: string): void {
    const existing = this.#entries.get(path);
    if (existing) {
      if (existing.kind !== "dir") throw fsError("ENOTDIR", "mkdir", path);
      return;
    }
    this.#mkdirSync(parentOf(path));
    this.#entries.set(path, { kind: "dir", mode: 0o755, mtimeMs: Date.now() });
  }

  /** Lists the names in a directory. */
  readDir(path: string): Promise<string[]> {
    return Promise.resolve().then(() => {
      const target = normalize(path);
      const entry = this.#get(path, "scandir");
      if (entry.kind !== "dir") throw fsError("ENOTDIR", "scandir", path);
      const prefix = target === "/" ? "/" : target + "/";
      const names: string[] = [];
      for (const key of this.#entries.keys()) {
        if (key !== target && key.startsWith(prefix) && !key.slice(prefix.length).includes("/")) {
          names.push(key.slice(prefix.length));
        }
      }
      return names.sort();
    });
  }

  /** Describes a path. */
  stat(path: string): Promise<FileInfo> {
    return Promise.resolve().then(() => {
      const entry = this.#get(path, "lstat");
      return {
        isFile: entry.kind === "file",
        isDirectory: entry.kind === "dir",
        isSymlink: false,
        size: entry.kind === "file" ? entry.data.byteLength : 0,
        mtimeMs: entry.mtimeMs,
        mode: entry.mode,
      };
    });
  }

  /** Removes a file or directory tree; a missing path is not an error. */
  remove(path: string, options?: { recursive?: boolean }): Promise<void> {
    return Promise.resolve().then(() => {
      const target = normalize(path);
      if (!this.#entries.has(target) || target === "/") return;
      const children = [...this.#entries.keys()].filter((key) => key.startsWith(target + "/"));
      if (children.length > 0 && !options?.recursive) throw fsError("ENOTEMPTY", "rm", path);
      for (const key of children) this.#entries.delete(key);
      this.#entries.delete(target);
    });
  }
}
