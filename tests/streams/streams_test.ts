import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { anySignal, concatBytes, mapStreamErrors, readLimited } from "../../src/streams/mod.ts";

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
});
