/**
 * A file of Deno's API being written, as the positioned writes of `batchedSink`, with its
 * data flushed through a second handle while the writes go on (see
 * {@linkcode positionedWrites}).
 *
 * @module
 */
import type { WritableHandle } from "./_batched_sink.ts";

/** An open file of Deno's API, written from its current position. */
export interface DenoWritableFile {
  /** Writes `bytes` (or part of them) at the current position; how many it wrote. */
  write(bytes: Uint8Array): Promise<number>;
  /** Moves the current position to `offset` from the start. */
  seek(offset: number, whence: 0): Promise<number>;
  /** Flushes the file's data and metadata. */
  sync(): Promise<void>;
  /** Closes the handle. */
  close(): void;
}

/** A second handle of a file being written, opened to flush its data. */
export interface DenoFlushableFile {
  /** Flushes the file's data. */
  syncData(): Promise<void>;
  /** Closes the handle. */
  close(): void;
}

/**
 * `file` as the positioned writes `batchedSink` makes (always at the end of what it
 * wrote). The data written so far is flushed through a second handle of the same file,
 * opened by `flusher` on first use: Deno runs one operation at a time per handle, so a
 * flush on `file` would hold back every write behind it (a 173 MiB pull: ~11 stops of
 * ~10 ms each), where the second handle lets the writes go on while the disk catches up.
 */
export function positionedWrites(
  file: DenoWritableFile,
  flusher: () => Promise<DenoFlushableFile>,
): WritableHandle {
  let at = 0;
  let second: Promise<DenoFlushableFile> | undefined;
  return {
    async write(buffer, offset, length, position) {
      if (position !== at) at = await file.seek(position, 0);
      const bytesWritten = await file.write(buffer.subarray(offset, offset + length));
      at += bytesWritten;
      return { bytesWritten };
    },
    async datasync() {
      second ??= flusher();
      await (await second).syncData();
    },
    sync: () => file.sync(),
    async close() {
      file.close();
      (await second?.catch(() => undefined))?.close();
    },
  };
}
