import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  anySignal,
  concatBytes,
  FixedPieces,
  lendPiece,
  linkSignal,
  mapStreamErrors,
  readLimited,
  releasePiece,
} from "../../src/streams/mod.ts";

function streamOf(...chunks: number[][]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new Uint8Array(chunk));
      controller.close();
    },
  });
}

describe("streams", () => {
  it("concatBytes joins parts in order and handles none", () => {
    assert.deepEqual([...concatBytes([new Uint8Array([1, 2]), new Uint8Array([3])])], [1, 2, 3]);
    assert.equal(concatBytes([]).byteLength, 0);
  });

  it("readLimited reads up to the limit and refuses more", async () => {
    assert.deepEqual([...(await readLimited(streamOf([1, 2], [3]), 3))!], [1, 2, 3]);
    assert.equal(await readLimited(streamOf([1, 2], [3, 4]), 3), undefined);
    assert.equal((await readLimited(null, 3))!.byteLength, 0);
  });

  it("mapStreamErrors turns a failure into the mapped error", async () => {
    let pulls = 0;
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulls++ === 0) controller.enqueue(new Uint8Array([1]));
        else controller.error(new Error("socket closed"));
      },
    }, { highWaterMark: 0 });
    const mapped = mapStreamErrors(failing, (error) => new RangeError(`mapped: ${error}`));
    const reader = mapped.getReader();
    assert.deepEqual([...(await reader.read()).value!], [1]);
    await assert.rejects(reader.read(), /mapped: Error: socket closed/);
  });

  it("anySignal aborts when any input aborts", () => {
    const a = new AbortController();
    const b = new AbortController();
    const combined = anySignal([a.signal, undefined, b.signal])!;
    assert.equal(combined.aborted, false);
    b.abort(new Error("stop"));
    assert.equal(combined.aborted, true);
    assert.equal(anySignal([undefined]), undefined);
    assert.equal(anySignal([a.signal]), a.signal);
  });

  it("linkSignal hangs one listener on the parent for any number of children", () => {
    const parent = new AbortController();
    let listeners = 0;
    const add = parent.signal.addEventListener.bind(parent.signal);
    const remove = parent.signal.removeEventListener.bind(parent.signal);
    parent.signal.addEventListener = (...args: Parameters<typeof add>) => {
      if (args[0] === "abort") listeners++;
      add(...args);
    };
    parent.signal.removeEventListener = (...args: Parameters<typeof remove>) => {
      if (args[0] === "abort") listeners--;
      remove(...args);
    };
    const links = Array.from({ length: 50 }, () => linkSignal(parent.signal));
    assert.equal(listeners, 1);
    for (const link of links.slice(0, 49)) link.dispose();
    assert.equal(listeners, 1);
    links[49].dispose();
    links[49].dispose(); // idempotent
    assert.equal(listeners, 0);

    // Children follow the parent; a child's own abort leaves the parent and its siblings.
    const [first, second, third] = [0, 1, 2].map(() => linkSignal(parent.signal));
    first.abort(new Error("only me"));
    assert.equal(first.signal.aborted, true);
    assert.equal(parent.signal.aborted, false);
    assert.equal(second.signal.aborted, false);
    third.dispose();
    parent.abort(new Error("all"));
    assert.equal(second.signal.aborted, true);
    assert.equal((second.signal.reason as Error).message, "all");
    assert.equal(third.signal.aborted, false, "a disposed child no longer follows");
    assert.equal(linkSignal(parent.signal).signal.aborted, true);
    assert.equal(linkSignal(undefined).signal.aborted, false);
  });

  it("cuts bytes into pieces of one size, whatever the chunks, each a copy", () => {
    const cutter = new FixedPieces(4);
    const input = Uint8Array.from({ length: 11 }, (_, i) => i);
    const out: Uint8Array[] = [];
    for (const [start, end] of [[0, 1], [1, 7], [7, 7], [7, 11]]) {
      const chunk = input.slice(start, end);
      out.push(...cutter.push(chunk));
      chunk.fill(255); // the caller may reuse its buffer once push returns
    }
    const rest = cutter.rest();
    assert.ok(rest);
    out.push(rest);
    assert.deepEqual(out.map((piece) => [...piece]), [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10]]);
    assert.equal(cutter.rest(), undefined);
    assert.deepEqual(cutter.push(new Uint8Array(0)), []);
  });

  it("FixedPieces fills a released piece again, and nothing else", () => {
    const cutter = new FixedPieces(4, { spares: 1 });
    const [first, second] = cutter.push(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]));
    // Released once its holder is done: the next piece is the same buffer, filled anew.
    releasePiece(first);
    releasePiece(first); // a second release changes nothing
    const [third, fourth] = cutter.push(new Uint8Array([9, 9, 9, 9, 8, 8, 8, 8]));
    assert.equal(third.buffer, first.buffer);
    assert.deepEqual([...third], [9, 9, 9, 9]);
    assert.notEqual(fourth.buffer, first.buffer);
    // A piece not released, the short rest and foreign chunks are never reused.
    assert.deepEqual([...second], [5, 6, 7, 8]);
    cutter.push(new Uint8Array([1, 2]));
    const rest = cutter.rest()!;
    releasePiece(rest);
    releasePiece(new Uint8Array(4));
    releasePiece(third.subarray(1)); // a part of a lent piece: not taken back
    const [fifth] = cutter.push(new Uint8Array([3, 3, 3, 3]));
    assert.notEqual(fifth.buffer, rest.buffer);
    assert.notEqual(fifth.buffer, third.buffer);
    assert.deepEqual([...rest], [1, 2]);
    // Without spares, released pieces are not taken back.
    const plain = new FixedPieces(2);
    const [piece] = plain.push(new Uint8Array([1, 2]));
    releasePiece(piece);
    assert.notEqual(plain.push(new Uint8Array([3, 4]))[0].buffer, piece.buffer);
  });

  it("takes back a buffer lent as a view of part of it by that view only", () => {
    const spares: Uint8Array[] = [];
    const buffer = new Uint8Array(16);
    const read = buffer.subarray(0, 10); // a read that filled part of its buffer
    lendPiece(read, (back) => spares.push(back));
    releasePiece(buffer); // the whole buffer was not lent
    releasePiece(read.subarray(0, 5)); // a part of what was lent
    releasePiece(buffer.subarray(0, 10).subarray(1)); // another view
    assert.equal(spares.length, 0);
    releasePiece(new Uint8Array(buffer.buffer, 0, 10)); // the same view, another object
    assert.equal(spares.length, 1);
    assert.equal(spares[0].buffer, buffer.buffer);
    assert.equal(spares[0].byteLength, 16);
    releasePiece(read);
    assert.equal(spares.length, 1, "taken back once");
  });
});
