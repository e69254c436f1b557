// gunzipSink: decodes into a callback (views, nothing kept), with gunzip's rules.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gunzip, gunzipSink, gzip } from "../../src/compression/mod.ts";
import { CompressionError } from "../../src/errors.ts";
import { concatBytes } from "../../src/streams/mod.ts";

function random(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  return bytes;
}

/** Feeds `data` in `step`-byte chunks; returns what the sink saw, copied. */
function sinkAll(data: Uint8Array, step: number): Uint8Array {
  const parts: Uint8Array[] = [];
  const sink = gunzipSink("test data", (bytes) => parts.push(bytes.slice()));
  try {
    for (let i = 0; i < data.length; i += step) sink.write(data.subarray(i, i + step));
    sink.end();
  } finally {
    sink.close();
  }
  return concatBytes(parts);
}

describe("gunzipSink", () => {
  it("sees the same bytes as gunzip, whatever the chunking", () => {
    const plain = new Uint8Array([...random(200_000), ...new Uint8Array(300_000).fill(65)]);
    const packed = gzip(plain);
    for (const step of [1_000, 65_536, packed.length]) {
      assert.deepEqual(sinkAll(packed, step), gunzip(packed));
    }
  });

  it("reads concatenated members", () => {
    const a = new TextEncoder().encode("first member ");
    const b = new TextEncoder().encode("second member");
    assert.deepEqual(
      sinkAll(new Uint8Array([...gzip(a), ...gzip(b)]), 7),
      new Uint8Array([...a, ...b]),
    );
  });

  it("fails on truncated and altered data", () => {
    const packed = gzip(random(50_000));
    assert.throws(() => sinkAll(packed.subarray(0, packed.length - 9), 4096), CompressionError);
    const altered = packed.slice();
    altered[altered.length - 6] ^= 0xff; // the CRC-32 or the length
    assert.throws(() => sinkAll(altered, 4096), CompressionError);
  });
});
