/**
 * The {@linkcode FileSystem} over `node:fs/promises`, which Deno, Node and Bun all provide.
 *
 * @module
 */
import { nodeFsPromises as fsp } from "../host/node_builtin.ts";
import type { FileInfo, FileSystem, WriteFileOptions } from "./file_system.ts";
import { batchedSink } from "./_batched_sink.ts";
import { lendPiece } from "../streams/lent_pieces.ts";

/** The size of the first read of {@linkcode NodeFileSystem.openRead}. */
const FIRST_READ_BYTES = 64 * 1024;

/**
 * The largest read of {@linkcode NodeFileSystem.openRead}: reads double from the first up
 * to this size. Large reads cost Node less per byte (a 173 MiB archive loaded: ~70 ms CPU
 * less than in 256 KiB reads: fewer calls, promises and stream steps, and pieces large
 * enough for a file sink to write as they are), small files still get a small buffer.
 */
const MAX_READ_BYTES = 1024 * 1024;

/** How many handed-back read buffers one stream keeps to fill again. */
const MAX_SPARE_READS = 2;

/** The size of a read after a short one, which is almost always the end of the file. */
const END_CHECK_BYTES = 4096;

/** A {@linkcode FileSystem} backed by the real disk. */
export class NodeFileSystem implements FileSystem {
  /** Reads a whole file. */
  async readFile(path: string): Promise<Uint8Array> {
    const buffer = await fsp().readFile(path);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  }

  /** Reads a whole file as UTF-8 text. */
  readTextFile(path: string): Promise<string> {
    return fsp().readFile(path, "utf8");
  }

  /** Creates or replaces a file with `data`. */
  async writeFile(
    path: string,
    data: Uint8Array | string,
    options?: WriteFileOptions,
  ): Promise<void> {
    const handle = await fsp().open(path, "w", options?.mode ?? 0o644);
    try {
      await handle.writeFile(data);
      if (options?.sync) await handle.sync();
    } finally {
      await handle.close();
    }
  }

  /**
   * Streams a file's bytes (in reads growing from 64 KiB to 1 MiB). A 1 MiB chunk's
   * buffer is lent (see `releasePiece`): one its last holder hands back is filled again.
   */
  async openRead(path: string): Promise<ReadableStream<Uint8Array>> {
    const handle = await fsp().open(path, "r");
    let size = FIRST_READ_BYTES;
    let closed = false;
    const close = async () => {
      if (!closed) {
        closed = true;
        await handle.close();
      }
    };
    const spares: Uint8Array[] = [];
    const takeBack = (piece: Uint8Array) => {
      if (spares.length < MAX_SPARE_READS) spares.push(piece);
    };
    // After a short read (the end of the file, almost always) the next read only checks.
    let ended = false;
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const full = !ended && size === MAX_READ_BYTES;
        const buffer = full ? spares.pop() ?? new Uint8Array(size) : new Uint8Array(
          ended ? END_CHECK_BYTES : size,
        );
        if (!ended) size = Math.min(size * 2, MAX_READ_BYTES);
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) {
          await close();
          controller.close();
          return;
        }
        ended = bytesRead < buffer.length;
        if (full) lendPiece(buffer, takeBack);
        controller.enqueue(buffer.subarray(0, bytesRead));
      },
      async cancel() {
        await close();
      },
    }, { highWaterMark: 0 });
  }

  /**
   * Creates or replaces a file and returns a stream that writes into it (small chunks
   * gathered into larger writes).
   */
  async openWrite(
    path: string,
    options?: WriteFileOptions,
  ): Promise<WritableStream<Uint8Array>> {
    const handle = await fsp().open(path, "w", options?.mode ?? 0o644);
    return batchedSink(handle, options?.sync === true);
  }

  /** Renames `from` to `to`. */
  rename(from: string, to: string): Promise<void> {
    return fsp().rename(from, to);
  }

  /** Creates a directory. */
  async mkdir(path: string, options?: { recursive?: boolean; mode?: number }): Promise<void> {
    await fsp().mkdir(path, { recursive: options?.recursive ?? false, mode: options?.mode });
  }

  /** Lists the names in a directory. */
  readDir(path: string): Promise<string[]> {
    return fsp().readdir(path);
  }

  /** Describes a path without following a final symbolic link. */
  async stat(path: string): Promise<FileInfo> {
    const info = await fsp().lstat(path);
    return {
      isFile: info.isFile(),
      isDirectory: info.isDirectory(),
      isSymlink: info.isSymbolicLink(),
      size: info.size,
      mtimeMs: info.mtimeMs,
      mode: info.mode & 0o7777,
    };
  }

  /** Removes a file or directory tree; a missing path is not an error. */
  async remove(path: string, options?: { recursive?: boolean }): Promise<void> {
    await fsp().rm(path, { recursive: options?.recursive ?? false, force: true });
  }
}
