/**
 * A file sink that gathers small chunks into one buffer before writing: network bodies
 * arrive in chunks of a few KiB, and one write call per chunk costs more than the copy
 * into a buffer (a promise, a thread-pool round trip and garbage per call).
 *
 * @module
 */

/** The part of a `node:fs/promises` `FileHandle` the sink uses. */
export interface WritableHandle {
  /** Writes `length` bytes of `buffer` from `offset` at file `position`. */
  write(
    buffer: Uint8Array,
    offset: number,
    length: number,
    position: number,
  ): Promise<{ bytesWritten: number }>;
  /** Flushes the file to stable storage. */
  sync(): Promise<void>;
  /** Flushes the file's data to stable storage (not all of its metadata). */
  datasync?(): Promise<void>;
  /** Closes the file. */
  close(): Promise<void>;
}

/** How many bytes are gathered before a write. */
export const BATCH_BYTES = 512 * 1024;

/**
 * A sink that will flush its file on close starts writing its data back every this many
 * bytes, while it goes on writing: the flush on close then waits for the last part only,
 * not for the whole file (200 MiB: ~90 ms of disk time, most of it now overlapped).
 */
export const WRITE_BACK_BYTES = 16 * 1024 * 1024;

/**
 * Batch buffers of closed sinks, for the next ones: a pull of many layers opens a sink per
 * blob, and fresh buffers (zeroed pages, and memory the collector counts until it runs)
 * cost more than the copy they serve.
 */
const spare: Uint8Array[] = [];

/** How many buffers {@linkcode spare} keeps (2 MiB). */
const SPARE_MAX = 4;

/**
 * A `WritableStream` into `handle` that copies chunks into a buffer of
 * {@linkcode BATCH_BYTES} and writes it when full (chunks at least that large are
 * written as they are). Two buffers alternate: one is written while the next fills, so a
 * slow disk does not stop the stream feeding it; they are reused by later sinks once no
 * write reads them. `close` writes the rest, flushes with `sync` and closes; a failed
 * write closes the file too. Chunks are never kept after their `write` resolved, so
 * producers may reuse their buffers.
 */
export function batchedSink(handle: WritableHandle, sync: boolean): WritableStream<Uint8Array> {
  const buffers: Uint8Array[] = [];
  let current = 0;
  let used = 0;
  let position = 0;
  let inFlight: Promise<void> | undefined;
  let unflushed = 0;
  let writeBack: Promise<void> | undefined;
  /** Starts flushing what was written so far, once the previous flush ended. */
  const startWriteBack = (written: number) => {
    unflushed += written;
    if (!sync || unflushed < WRITE_BACK_BYTES || writeBack !== undefined) return;
    unflushed = 0;
    const flush = (handle.datasync ?? handle.sync).call(handle);
    // A failure is left to the flush on close, which reports it.
    writeBack = flush.then(() => writeBack = undefined, () => writeBack = undefined);
  };
  const writeAll = async (bytes: Uint8Array, at: number) => {
    let offset = 0;
    while (offset < bytes.byteLength) {
      const { bytesWritten } = await handle.write(
        bytes,
        offset,
        bytes.byteLength - offset,
        at + offset,
      );
      offset += bytesWritten;
    }
    startWriteBack(bytes.byteLength);
  };
  /** Starts writing the filled buffer (after the previous write ended) and switches. */
  const flip = async () => {
    await inFlight;
    inFlight = undefined;
    if (used === 0) return;
    const full = buffers[current].subarray(0, used);
    const at = position;
    position += used;
    used = 0;
    current = 1 - current;
    const started = writeAll(full, at);
    inFlight = started;
    // A failure surfaces on the next write, flip or close; never unhandled.
    started.catch(() => {});
  };
  /** Waits until no write reads the buffers, then hands them to later sinks. */
  const release = async () => {
    await inFlight?.catch(() => {});
    inFlight = undefined;
    await writeBack;
    for (const buffer of buffers.splice(0)) {
      if (buffer !== undefined && spare.length < SPARE_MAX) spare.push(buffer);
    }
  };
  const fill = async (chunk: Uint8Array) => {
    if (used === 0 && chunk.byteLength >= BATCH_BYTES) {
      await inFlight;
      inFlight = undefined;
      const at = position;
      position += chunk.byteLength;
      return await writeAll(chunk, at);
    }
    let offset = 0;
    while (offset < chunk.byteLength) {
      buffers[current] ??= spare.pop() ?? new Uint8Array(BATCH_BYTES);
      const n = Math.min(BATCH_BYTES - used, chunk.byteLength - offset);
      buffers[current].set(chunk.subarray(offset, offset + n), used);
      used += n;
      offset += n;
      if (used === BATCH_BYTES) await flip();
    }
  };
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      try {
        await fill(chunk);
      } catch (error) {
        // The stream errors: neither `close` nor `abort` will come.
        await release();
        await handle.close().catch(() => {});
        throw error;
      }
    },
    async close() {
      try {
        await flip();
        await inFlight;
        if (sync) await handle.sync();
      } finally {
        await release();
        await handle.close();
      }
    },
    async abort() {
      await release();
      await handle.close();
    },
  });
}
