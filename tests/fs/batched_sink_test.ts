// The disk file system's write stream gathers small chunks into large writes, copies what
// it keeps (a producer may reuse its buffer once a write resolved), and flushes the rest
// on close.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BATCH_BYTES, batchedSink } from "../../src/fs/_batched_sink.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";

/** A file handle in memory that records each write's length. */
function recordingHandle() {
  const writes: number[] = [];
  const parts: { at: number; bytes: Uint8Array }[] = [];
  let synced = false;
  let closed = false;
  return {
    writes,
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
