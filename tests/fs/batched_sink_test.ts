// The disk file system's write stream gathers small chunks into large writes, copies what
// it keeps (a producer may reuse its buffer once a write resolved), and flushes the rest
// on close.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BATCH_BYTES, batchedSink, WRITE_BACK_BYTES } from "../../src/fs/_batched_sink.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";

/** A file handle in memory that records each write's length. */
function recordingHandle() {
  const writes: number[] = [];
  const parts: { at: number; bytes: Uint8Array }[] = [];
  let synced = false;
  let closed = false;
  /** The bytes written when each `datasync` was called. */
  const dataSyncs: number[] = [];
  return {
    writes,
    dataSyncs,
    content: () => {
      const out: number[] = [];
      for (const { at, bytes } of parts) bytes.forEach((byte, i) => out[at + i] = byte);
      return out;
    },
    state: () => ({ synced, closed }),
    handle: {
      write(buffer: Uint8Array, offset: number, length: number, position: number) {
        // Take at most 100 KiB a call, like a short write.
        const n = Math.min(length, 100 * 1024);
        parts.push({ at: position, bytes: buffer.slice(offset, offset + n) });
        writes.push(n);
        return Promise.resolve({ bytesWritten: n });
      },
      sync() {
        synced = true;
        return Promise.resolve();
      },
      datasync() {
        dataSyncs.push(writes.reduce((sum, n) => sum + n, 0));
        return Promise.resolve();
      },
      close() {
        closed = true;
        return Promise.resolve();
      },
    },
  };
}

/**
 * A file handle whose writes read their buffer only when the test lets them finish (as a
 * disk write reads it later), and that can be told to fail.
 */
function slowHandle(fail = false) {
  const pending: { buffer: Uint8Array; finish: () => void }[] = [];
  const written: Uint8Array[] = [];
  /** The memory each write was asked to read. */
  const sources: ArrayBufferLike[] = [];
  let closed = false;
  return {
    written,
    pending,
    sources,
    isClosed: () => closed,
    /** Lets every pending write read its bytes and finish. */
    finishAll() {
      for (const write of pending.splice(0)) write.finish();
    },
    handle: {
      write(buffer: Uint8Array, offset: number, length: number) {
        return new Promise<{ bytesWritten: number }>((resolve, reject) => {
          const view = buffer.subarray(offset, offset + length);
          sources.push(buffer.buffer);
          pending.push({
            buffer: view,
            finish: () => {
              if (fail) return reject(new Error("disk full"));
              written.push(view.slice());
              resolve({ bytesWritten: length });
            },
          });
        });
      },
      sync: () => Promise.resolve(),
      close() {
        closed = true;
        return Promise.resolve();
      },
    },
  };
}

describe("batched file sink", () => {
  it("writes many small chunks in few calls, whole and in order", async () => {
    const file = recordingHandle();
    const writer = batchedSink(file.handle, true).getWriter();
    const expected: number[] = [];
    const chunk = new Uint8Array(1000);
    for (let i = 0; i < 3000; i++) {
      chunk.fill(i % 251); // the producer reuses its buffer
      for (let j = 0; j < chunk.length; j++) expected.push(i % 251);
      await writer.write(chunk);
    }
    await writer.close();
    assert.deepEqual(file.content(), expected);
    const calls = file.writes.length;
    // 3,000,000 bytes in writes of at most 100 KiB: 30 calls at least, far below 3,000.
    assert.ok(calls <= Math.ceil(3_000_000 / (100 * 1024)) + Math.ceil(3_000_000 / BATCH_BYTES));
    assert.deepEqual(file.state(), { synced: true, closed: true });
  });

  it("writes a large chunk as it is", async () => {
    const file = recordingHandle();
    const writer = batchedSink(file.handle, false).getWriter();
    const big = new Uint8Array(BATCH_BYTES * 2 + 7).map((_, i) => i % 256);
    await writer.write(new Uint8Array([1, 2, 3]));
    await writer.write(big);
    await writer.write(new Uint8Array([4]));
    await writer.close();
    assert.deepEqual(file.content(), [1, 2, 3, ...big, 4]);
    assert.deepEqual(file.state(), { synced: false, closed: true });
  });

  it("reuses a closed sink's buffers, never while a write still reads them", async () => {
    const first = slowHandle();
    const a = batchedSink(first.handle, false).getWriter();
    const half = BATCH_BYTES / 2;
    for (let i = 0; i < 2; i++) await a.write(new Uint8Array(half).fill(0xaa)); // buffer 1 full
    await a.write(new Uint8Array(10).fill(0xab)); // into buffer 2
    const closing = a.close(); // writes buffer 2 after buffer 1: both busy until finished
    const second = slowHandle();
    const b = batchedSink(second.handle, false).getWriter();
    for (let i = 0; i < 2; i++) await b.write(new Uint8Array(half).fill(0xbb));
    while (first.pending.length > 0 || second.pending.length > 0) {
      first.finishAll();
      second.finishAll();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await closing;
    const closingB = b.close();
    second.finishAll();
    await closingB;
    assert.deepEqual(first.written.map((bytes) => [bytes.length, new Set(bytes)]), [
      [BATCH_BYTES, new Set([0xaa])],
      [10, new Set([0xab])],
    ]);
    assert.deepEqual(second.written.map((bytes) => [bytes.length, new Set(bytes)]), [
      [BATCH_BYTES, new Set([0xbb])],
    ]);
    // A sink opened now gets a spare buffer: the one `a` wrote from.
    const third = slowHandle();
    const c = batchedSink(third.handle, false).getWriter();
    await c.write(new Uint8Array([7, 8, 9]));
    const closingC = c.close();
    while (third.pending.length === 0) await new Promise((resolve) => setImmediate(resolve));
    third.finishAll();
    await closingC;
    assert.deepEqual(third.written.map((bytes) => [...bytes]), [[7, 8, 9]]);
    assert.ok([...first.sources, ...second.sources].includes(third.sources[0]));
    // While `a`'s writes ran, `b` got buffers of its own.
    assert.ok(!first.sources.some((source) => second.sources.includes(source)));
  });

  it("closes the file when a write fails, and fails the stream", async () => {
    const file = slowHandle(true);
    const writer = batchedSink(file.handle, true).getWriter();
    const half = new Uint8Array(BATCH_BYTES / 2);
    for (let i = 0; i < 2; i++) await writer.write(half); // starts a write that will fail
    file.finishAll();
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 4; i++) await writer.write(half);
      })(),
      /disk full/,
    );
    assert.equal(file.isClosed(), true);
  });

  it("a flushing sink starts writing back as it goes, then flushes the rest on close", async () => {
    const file = recordingHandle();
    const writer = batchedSink(file.handle, true).getWriter();
    const chunk = new Uint8Array(BATCH_BYTES);
    const total = WRITE_BACK_BYTES * 2 + BATCH_BYTES;
    for (let written = 0; written < total; written += chunk.length) await writer.write(chunk);
    assert.ok(file.dataSyncs.length >= 1, "no write-back before close");
    assert.ok(file.dataSyncs.every((bytes) => bytes >= WRITE_BACK_BYTES && bytes < total));
    await writer.close();
    assert.deepEqual(file.state(), { synced: true, closed: true });
    // A sink that does not flush never writes back.
    const plain = recordingHandle();
    const other = batchedSink(plain.handle, false).getWriter();
    for (let written = 0; written < total; written += chunk.length) await other.write(chunk);
    await other.close();
    assert.deepEqual(plain.dataSyncs, []);
  });

  it("NodeFileSystem.openWrite round-trips reused chunks to disk", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-sink-"));
    try {
      const fs = new NodeFileSystem();
      const writer = (await fs.openWrite(join(dir, "f"), { sync: true })).getWriter();
      const chunk = new Uint8Array(4096);
      const expected: number[] = [];
      for (let i = 0; i < 500; i++) {
        chunk.fill(i % 256);
        for (let j = 0; j < chunk.length; j++) expected.push(i % 256);
        await writer.write(chunk);
      }
      await writer.close();
      assert.deepEqual([...await readFile(join(dir, "f"))], expected);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
