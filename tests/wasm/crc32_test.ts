import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { WasmCrc32, wasmCrc32 } from "../../src/wasm/crc32.ts";
import { Random } from "./_random.ts";

/** A bit-at-a-time CRC-32 (IEEE, reflected), the slowest and plainest definition. */
function referenceCrc32(data: Uint8Array, crc = 0): number {
  let c = ~crc >>> 0;
  for (const byte of data) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

const zlibCrc32 = (zlib as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

describe("wasmCrc32", () => {
  it("gives the check value of the CRC-32 catalogue", () => {
    const digits = new TextEncoder().encode("123456789");
    assert.equal(wasmCrc32(digits), 0xcbf43926);
    assert.equal(wasmCrc32(new Uint8Array(0)), 0);
    assert.equal(wasmCrc32(new Uint8Array(0), 0xcbf43926), 0xcbf43926);
  });

  it("agrees with a bitwise reference on every small size", () => {
    const random = new Random(11);
    for (let size = 0; size < 100; size++) {
      const data = random.bytes(size);
      assert.equal(wasmCrc32(data), referenceCrc32(data), `size ${size}`);
    }
  });

  it("agrees with the reference and node:zlib on large inputs in random splits", () => {
    const random = new Random(12);
    for (const size of [65_536 + 7, (1 << 20) + 5, 3 << 20]) {
      const data = random.bytes(size);
      const expected = zlibCrc32 ? zlibCrc32(data) >>> 0 : referenceCrc32(data);
      if (size < 100_000) assert.equal(expected, referenceCrc32(data));
      const crc = new WasmCrc32();
      for (const piece of random.split(data, 2 << 20)) crc.update(piece);
      assert.equal(crc.value, expected, `size ${size}`);
      assert.equal(wasmCrc32(data), expected);
    }
  });

  it("continues from a previous value like the reference", () => {
    const random = new Random(13);
    const a = random.bytes(1000);
    const b = random.bytes(333);
    const whole = new Uint8Array([...a, ...b]);
    assert.equal(wasmCrc32(b, wasmCrc32(a)), referenceCrc32(whole));
    assert.equal(wasmCrc32(b, referenceCrc32(a)), referenceCrc32(b, referenceCrc32(a)));
  });
});
