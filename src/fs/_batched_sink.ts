/**
 * A file sink that gathers small chunks into one buffer before writing: network bodies
 * arrive in chunks of a few KiB, and one write call per chunk costs more than the copy
 * into a buffer (a promise, a thread-pool round trip and garbage per call).
 *
 * @module
 */

/** The part of a `node:fs/promises` `FileHandle` the sink uses. */
export interface WritableHandle {
  /** Writes `length` bytes of `buffer` from `offset`. */
  write(buffer: Uint8Array, offset: number, length: number): Promise<{ bytesWritten: number }>;
  /** Flushes the file to stable storage. */
  sync(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** How many bytes are gathered before a write. */
export const BATCH_BYTES = 512 * 1024;

/**
 * A `WritableStream` into `handle` that copies chunks into a buffer of
 * {@linkcode BATCH_BYTES} and writes it when full (chunks at least that large are
 * written as they are); `close` writes the rest, flushes with `sync` and closes. Chunks
 * are never kept after their `write` resolved, so producers may reuse their buffers.
 */
export function batchedSink(handle: WritableHandle, sync: boolean): WritableStream<Uint8Array> {
  let buffer: Uint8Array | undefined;
  let used = 0;
  const writeAll = async (bytes: Uint8Array) => {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesWritten } = await handle.write(bytes, offset, bytes.byteLength - offset);
      offset += bytesWritten;
    }
  };
  const flush = async () => {
    if (used === 0) return;
    const full = buffer!.subarray(0, used);
    used = 0;
    await writeAll(full);
  };
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      if (used === 0 && chunk.byteLength >= BATCH_BYTES) return await writeAll(chunk);
      buffer ??= new Uint8Array(BATCH_BYTES);
      let offset = 0;
      while (offset < chunk.byteLength) {
        const n = Math.min(BATCH_BYTES - used, chunk.byteLength - offset);
        buffer.set(chunk.subarray(offset, offset + n), used);
        used += n;
        offset += n;
        if (used === BATCH_BYTES) await flush();
      }
    },
    async close() {
      try {
        await flush();
        if (sync) await handle.sync();
      } finally {
        await handle.close();
      }
    },
    async abort() {
      await handle.close();
    },
  });
}
