// pieceReader: a byte stream read in pieces of a chosen size (what Deno's fetch bodies go
// through in the registry client), any other stream chunk by chunk; bytes that came before
// a failure or a cancel are handed on first.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { concatBytes, pieceReader, releasePiece } from "../../src/streams/mod.ts";

/** `count` chunks of `size` bytes, each byte its offset in the whole modulo 251. */
function chunks(count: number, size: number): Uint8Array[] {
  return Array.from({ length: count }, (_, index) => {
    const chunk = new Uint8Array(size);
    for (let i = 0; i < size; i++) chunk[i] = (index * size + i) % 251;
    return chunk;
  });
}

/** A byte stream that enqueues `parts` one per pull, then closes (or fails with `error`). */
function byteStream(
  parts: Uint8Array[],
  options: { error?: Error; onPull?: () => void; onCancel?: (reason: unknown) => void } = {},
): ReadableStream<Uint8Array> {
  let next = 0;
  return new ReadableStream({
    type: "bytes",
    pull(controller) {
      options.onPull?.();
      if (next < parts.length) return controller.enqueue(parts[next++].slice());
      if (options.error !== undefined) return controller.error(options.error);
      controller.close();
      controller.byobRequest?.respond(0);
    },
    cancel: options.onCancel,
  });
}

async function readAll(reader: ReturnType<typeof pieceReader>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return out;
    out.push(value);
  }
}

describe("pieceReader", () => {
  it("gathers a byte stream's small chunks into pieces of the size asked", async () => {
    const parts = chunks(40, 1000); // 40,000 bytes
    const pieces = await readAll(pieceReader(byteStream(parts), 16_384));
    assert.deepEqual(pieces.map((piece) => piece.length), [16_384, 16_384, 7_232]);
    assert.deepEqual(concatBytes(pieces), concatBytes(parts));
  });

  it("hands a full piece on as it is and copies a short last piece out", async () => {
    const pieces = await readAll(pieceReader(byteStream(chunks(5, 1000)), 4096));
    assert.deepEqual(pieces.map((piece) => piece.length), [4096, 904]);
    assert.equal(pieces[0].buffer.byteLength, 4096);
    assert.equal(pieces[1].buffer.byteLength, 904, "the short piece does not pin 4 KiB");
  });

  it("fills a piece its last holder released again, for this stream or the next", async () => {
    const size = 3000; // a size of its own: no other test's pieces
    const first = pieceReader(byteStream(chunks(3, 1000)), size);
    const piece = await first.read();
    assert.ok(!piece.done);
    const kept = piece.value;
    releasePiece(kept.subarray(0, 10)); // a part is not taken back
    const second = pieceReader(byteStream(chunks(3, 1000)), size);
    const other = await second.read();
    assert.ok(!other.done);
    assert.notEqual(other.value.buffer, kept.buffer);
    assert.deepEqual(kept, concatBytes(chunks(3, 1000)), "a piece still held is untouched");
    releasePiece(kept);
    const third = await pieceReader(byteStream(chunks(3, 1000).reverse()), size).read();
    assert.ok(!third.done);
    assert.equal(third.value.buffer, kept.buffer, "the released piece, filled again");
    assert.deepEqual(third.value, concatBytes(chunks(3, 1000).reverse()));
  });

  it("reads any other stream chunk by chunk", async () => {
    const parts = chunks(6, 1000);
    const plain = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(part);
        controller.close();
      },
    });
    const pieces = await readAll(pieceReader(plain, 4096));
    assert.equal(pieces.length, 6);
    assert.deepEqual(concatBytes(pieces), concatBytes(parts));
  });

  it("runs its hooks around every read of the stream", async () => {
    let inside = false;
    let begun = 0;
    const stream = byteStream(chunks(10, 1000), {
      onPull: () => assert.ok(inside, "the stream is read between begin and end"),
    });
    const reader = pieceReader(stream, 4096, {
      begin() {
        assert.ok(!inside);
        inside = true;
        begun++;
      },
      end() {
        inside = false;
      },
    });
    await readAll(reader);
    assert.ok(!inside);
    assert.ok(begun >= 10, `one read per chunk at least: ${begun}`);
  });

  it("hands on what came before a failure, then fails", async () => {
    const failure = new Error("connection reset");
    const reader = pieceReader(byteStream(chunks(3, 1000), { error: failure }), 16_384);
    const first = await reader.read();
    assert.ok(!first.done);
    assert.deepEqual(first.value, concatBytes(chunks(3, 1000)));
    await assert.rejects(reader.read(), (error) => error === failure);
  });

  it("fails at once when nothing came before the failure", async () => {
    const failure = new Error("refused");
    const reader = pieceReader(byteStream([], { error: failure }), 16_384);
    await assert.rejects(reader.read(), (error) => error === failure);
  });

  it("hands on the part of a piece read before a cancel, then ends", async () => {
    let release!: () => void;
    const blocked = new Promise<void>((resolve) => release = resolve);
    let waiting!: () => void;
    const secondRead = new Promise<void>((resolve) => waiting = resolve);
    let cancelled: unknown;
    let pulls = 0;
    const stream = new ReadableStream<Uint8Array>({
      type: "bytes",
      async pull(controller) {
        if (pulls++ === 0) return controller.enqueue(new Uint8Array([1, 2, 3]));
        waiting();
        await blocked; // the second read waits until cancelled
      },
      cancel(reason) {
        cancelled = reason;
        release();
      },
    });
    const reader = pieceReader(stream, 4096);
    const pending = reader.read();
    await secondRead; // the first chunk is in the piece by then
    await reader.cancel("stalled");
    const first = await pending;
    assert.ok(!first.done);
    assert.deepEqual([...first.value], [1, 2, 3]);
    assert.equal(cancelled, "stalled");
    assert.equal((await reader.read()).done, true);
  });
});
