/**
 * The disk through Deno's own file API, for the command line on Deno: `node:fs` there is
 * Deno's Node compatibility layer, which a process builds on first use (~20 ms, more than
 * the rest of `stevedore images`). Reads, listings, `stat` and `mkdir` are Deno calls;
 * what changes files (write, stream into, rename, remove) goes through
 * {@linkcode NodeFileSystem}, created on the first such call, so writes keep its semantics
 * and its write batching. Deno's errors carry the same `code`s (`ENOENT`, `EEXIST`, ...)
 * as Node's.
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
import type { FileInfo, FileSystem, WriteFileOptions } from "./file_system.ts";
import { NodeFileSystem } from "./node_fs.ts";

/** The parts of Deno's file API used here. */
interface DenoFileApi {
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  open(path: string, options: { read: true }): Promise<DenoFile>;
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

/** The size of one read of {@linkcode DenoFileSystem.openRead}, as `NodeFileSystem`'s. */
const CHUNK_BYTES = 256 * 1024;

/** The Deno namespace, or `undefined` on another runtime. */
export function denoFileApi(): DenoFileApi | undefined {
  return (globalThis as { Deno?: DenoFileApi }).Deno;
}

/** The host file system on Deno (see the module notes). */
export class DenoFileSystem implements FileSystem {
  readonly #deno: DenoFileApi;
  #writer: NodeFileSystem | undefined;

  /** Uses Deno's file API; throws a `TypeError` on another runtime. */
  constructor() {
    const deno = denoFileApi();
    if (deno === undefined) throw new TypeError("DenoFileSystem needs the Deno runtime");
    this.#deno = deno;
  }

  get #changes(): NodeFileSystem {
    return this.#writer ??= new NodeFileSystem();
  }

  /** Reads a whole file. */
  readFile(path: string): Promise<Uint8Array> {
    return this.#deno.readFile(path);
  }

  /** Reads a whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string> {
    return this.#deno.readTextFile(path);
  }

  /** Creates or replaces a file with `data` (through `NodeFileSystem`). */
  writeFile(path: string, data: Uint8Array | string, options?: WriteFileOptions): Promise<void> {
    return this.#changes.writeFile(path, data, options);
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

  /** Creates or replaces a file and returns a stream into it (through `NodeFileSystem`). */
  openWrite(path: string, options?: WriteFileOptions): Promise<WritableStream<Uint8Array>> {
    return this.#changes.openWrite(path, options);
  }

  /** Renames `from` to `to` (through `NodeFileSystem`). */
  rename(from: string, to: string): Promise<void> {
    return this.#changes.rename(from, to);
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

  /** Removes a file or directory tree (through `NodeFileSystem`). */
  remove(path: string, options?: { recursive?: boolean }): Promise<void> {
    return this.#changes.remove(path, options);
  }
}
