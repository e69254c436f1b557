/**
 * The disk through Deno's own file API, for the command line on Deno: `node:fs` there is
 * Deno's Node compatibility layer, which a process builds on first use (~20 ms, more than
 * the rest of `stevedore images`, and a pull's first write paid it). Every call is a Deno
 * call, with `NodeFileSystem`'s semantics: streamed writes are gathered into the
 * same large writes (`batchedSink`), `remove` of a missing path is no error. Deno's errors
 * carry the same `code`s (`ENOENT`, `EEXIST`, ...) as Node's.
 *
 * @example
 * ```ts ignore
 * import { DenoFileSystem } from "./deno_fs.ts";
 * const fs = new DenoFileSystem();
 * console.log((await fs.stat("/")).isDirectory); // true
 * ```
 *
 * @module
 */
import {
  type FileInfo,
  type FileSystem,
  isNotFound,
  type WriteFileOptions,
} from "./file_system.ts";
import { batchedSink } from "./_batched_sink.ts";
import { type DenoFlushableFile, type DenoWritableFile, positionedWrites } from "./_deno_writes.ts";

/** The parts of Deno's file API used here. */
interface DenoFileApi {
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  open(path: string, options: { read: true }): Promise<DenoFile>;
  open(path: string, options: DenoWriteOpen): Promise<DenoWritableFile>;
  open(path: string, options: { write: true }): Promise<DenoFlushableFile>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string, options: { recursive: boolean }): Promise<void>;
  mkdir(path: string, options: { recursive: boolean; mode?: number }): Promise<void>;
  readDir(path: string): AsyncIterable<{ name: string }>;
  lstat(path: string): Promise<{
    isFile: boolean;
    isDirectory: boolean;
    isSymlink: boolean;
    size: number;
    mtime: Date | null;
    mode: number | null;
  }>;
}

/** An open file of Deno's API. */
interface DenoFile {
  read(buffer: Uint8Array): Promise<number | null>;
  close(): void;
}

/** How {@linkcode DenoFileSystem} opens a file to write: created or truncated. */
interface DenoWriteOpen {
  write: true;
  create: true;
  truncate: true;
  mode: number;
}

/** The size of one read of {@linkcode DenoFileSystem.openRead}, as `NodeFileSystem`'s. */
const CHUNK_BYTES = 256 * 1024;

/** The Deno namespace, or `undefined` on another runtime. */
export function denoFileApi(): DenoFileApi | undefined {
  return (globalThis as { Deno?: DenoFileApi }).Deno;
}

/** The host file system on Deno (see the module notes). */
export class DenoFileSystem implements FileSystem {
  readonly #deno: DenoFileApi;

  /** Uses Deno's file API; throws a `TypeError` on another runtime. */
  constructor() {
    const deno = denoFileApi();
    if (deno === undefined) throw new TypeError("DenoFileSystem needs the Deno runtime");
    this.#deno = deno;
  }

  #openWritable(path: string, options: WriteFileOptions | undefined): Promise<DenoWritableFile> {
    const mode = options?.mode ?? 0o644;
    return this.#deno.open(path, { write: true, create: true, truncate: true, mode });
  }

  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array> {
    return this.#deno.readFile(path);
  }

  /** Reads a whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string> {
    return this.#deno.readTextFile(path);
  }

  /** Creates or replaces a file with `data`. */
  async writeFile(
    path: string,
    data: Uint8Array | string,
    options?: WriteFileOptions,
  ): Promise<void> {
    const file = await this.#openWritable(path, options);
    try {
      const bytes = typeof data === "string" ? new TextEncoder().encode(data) : data;
      let offset = 0;
      while (offset < bytes.byteLength) offset += await file.write(bytes.subarray(offset));
      if (options?.sync) await file.sync();
    } finally {
      file.close();
    }
  }

  /** Streams a file's bytes. */
  async openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    const file = await this.#deno.open(path, { read: true });
    let closed = false;
    const close = () => {
      if (!closed) {
        closed = true;
        file.close();
      }
    };
    return new ReadableStream<Uint8Array>({
      type: "bytes",
      async pull(controller) {
        const buffer = new Uint8Array(CHUNK_BYTES);
        let read: number | null;
        try {
          read = await file.read(buffer);
        } catch (error) {
          close();
          throw error;
        }
        if (read === null) {
          close();
          controller.close();
          return;
        }
        controller.enqueue(buffer.subarray(0, read));
      },
      cancel() {
        close();
      },
    });
  }

  /**
   * Creates or replaces a file and returns a stream that writes into it (small chunks
   * gathered into larger writes).
   */
  async openWrite(
    path: string,
    options?: WriteFileOptions,
  ): Promise<WritableStream<Uint8Array>> {
    const file = await this.#openWritable(path, options);
    const flusher = () => this.#deno.open(path, { write: true });
    return batchedSink(positionedWrites(file, flusher), options?.sync === true);
  }

  /** Renames `from` to `to`, replacing `to` if it exists. */
  rename(from: string, to: string): Promise<void> {
    return this.#deno.rename(from, to);
  }

  /** Creates a directory (an existing one is no error with `recursive`, as in Node). */
  async mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void> {
    await this.#deno.mkdir(path, { recursive: options?.recursive ?? false, mode: options?.mode });
  }

  /** Lists the names in a directory. */
  async readDir(path: string): Promise<string[]> {
    const names: string[] = [];
    for await (const entry of this.#deno.readDir(path)) names.push(entry.name);
    return names;
  }

  /** Describes a path without following a final symbolic link. */
  async stat(path: string): Promise<FileInfo> {
    const info = await this.#deno.lstat(path);
    return {
      isFile: info.isFile,
      isDirectory: info.isDirectory,
      isSymlink: info.isSymlink,
      size: info.size,
      mtimeMs: info.mtime?.getTime() ?? 0,
      mode: (info.mode ?? 0) & 0o7777,
    };
  }

  /** Removes a file or directory tree; a missing path is not an error. */
  async remove(path: string, options?: { recursive?: boolean }): Promise<void> {
    try {
      await this.#deno.remove(path, { recursive: options?.recursive ?? false });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }
}
