import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { CompressionError } from "../../src/errors.ts";
import { decompressStream } from "../../src/compression/mod.ts";
import { Rng, runStream, streamError } from "./_data.ts";

const HI = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 2, 0x11, 0, 0, 0x68, 0x69]);
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const bytewise = (bytes: Uint8Array) => [...bytes].map((b) => new Uint8Array([b]));

describe("decompressStream", () => {
  it("sniffs gzip, zstd and plain data, whatever the chunking", async () => {
    const data = new Rng(51).text(100_000);
    const packed = new Uint8Array(zlib.gzipSync(data));
    assert.deepEqual(await runStream(decompressStream(), [packed]), data);
    assert.deepEqual(
      await runStream(
        decompressStream("auto"),
        bytewise(packed.subarray(0, 40)).concat([packed.subarray(40)]),
      ),
      data,
    );
    assert.equal(text(await runStream(decompressStream(), bytewise(HI))), "hi");
    assert.deepEqual(await runStream(decompressStream(), new Rng(52).split(data, 1000)), data);
    for (const short of ["", "a", "abcde"]) {
      const out = await runStream(decompressStream(), bytewise(new TextEncoder().encode(short)));
      assert.equal(text(out), short);
    }
  });

  it("uses the named format without sniffing", async () => {
    const data = new TextEncoder().encode("named");
    assert.deepEqual(
      await runStream(decompressStream("gzip"), [new Uint8Array(zlib.gzipSync(data))]),
      data,
    );
    assert.deepEqual(await runStream(decompressStream("none"), [HI]), HI);
    assert.equal(text(await runStream(decompressStream("zstd"), [HI])), "hi");
    const error = await streamError(decompressStream("gzip", { what: "x" }), [HI]);
    assert.ok(error instanceof CompressionError && error.reason === "BadHeader");
  });

  it("recognizes bzip2 and xz but refuses them as Unsupported", async () => {
    const inputs = [
      new TextEncoder().encode("BZh91AY&SY..."),
      new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4, 0xe6]),
    ];
    for (const input of inputs) {
      const error = await streamError(decompressStream("auto", { what: "blob" }), [input]);
      assert.ok(error instanceof CompressionError, String(error));
      assert.equal(error.reason, "Unsupported");
    }
    const named = await streamError(decompressStream("xz"), [inputs[1]]);
    assert.ok(named instanceof CompressionError && named.reason === "Unsupported");
  });

  it("passes decoder errors through", async () => {
    const packed = new Uint8Array(zlib.gzipSync(new Rng(53).text(10_000)));
    const error = await streamError(decompressStream(), [packed.subarray(0, packed.length - 4)]);
    assert.ok(error instanceof CompressionError && error.reason === "Truncated", String(error));
  });

  it("refuses an unknown format", () => {
    assert.throws(() => decompressStream("lz4" as "gzip"), TypeError);
  });
});
