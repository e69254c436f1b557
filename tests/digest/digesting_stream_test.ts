import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { digestingStream } from "../../src/digest/mod.ts";
import { Random } from "../wasm/_random.ts";

describe("digestingStream", () => {
  for (const backend of ["wasm", "native"] as const) {
    it(`reports the digest and size of what went through (${backend})`, async () => {
      const random = new Random(31);
      const data = random.bytes(123_457);
      const tap = digestingStream({ backend });
      const source = new Blob([data]).stream();
      let seen = 0;
      await source.pipeThrough(tap).pipeTo(
        new WritableStream({
          write(chunk) {
            seen += chunk.length;
          },
        }),
      );
      const { digest, size } = await tap.result;
      assert.equal(size, data.length);
      assert.equal(seen, data.length);
      assert.equal(digest.hex, createHash("sha256").update(data).digest("hex"));
    });
  }

  it("computes sha512 when asked", async () => {
    const tap = digestingStream({ algorithm: "sha512" });
    await new Blob(["abc"]).stream().pipeThrough(tap).pipeTo(new WritableStream());
    const { digest } = await tap.result;
    assert.equal(digest.algorithm, "sha512");
    assert.equal(digest.hex, createHash("sha512").update("abc").digest("hex"));
  });

  it("rejects its result when the source fails", async () => {
    const tap = digestingStream();
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.error(new Error("connection reset"));
      },
    });
    await assert.rejects(failing.pipeThrough(tap).pipeTo(new WritableStream()), /reset/);
    await assert.rejects(tap.result, /connection reset/);
  });

  it("rejects its result when the reader cancels", async () => {
    const tap = digestingStream({ backend: "wasm" });
    await tap.readable.cancel(new Error("not needed"));
    await assert.rejects(tap.result, /not needed/);
  });
});
