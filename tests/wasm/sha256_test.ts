import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { WasmSha256, wasmSha256 } from "../../src/wasm/sha256.ts";
import { Random } from "./_random.ts";

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function reference(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

const MiB = 1 << 20;
const EDGE_SIZES = [0, 1, 2, 3, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 1000, 4096];

describe("WasmSha256", () => {
  it("hashes the FIPS 180-4 examples", () => {
    const text = (s: string) => new TextEncoder().encode(s);
    assert.equal(
      hex(wasmSha256(text(""))),
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    );
    assert.equal(
      hex(wasmSha256(text("abc"))),
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
    assert.equal(
      hex(wasmSha256(text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
    );
  });

  it("agrees with node:crypto at the block-boundary sizes, whole and byte by byte", () => {
    const random = new Random(1);
    for (const size of EDGE_SIZES) {
      const data = random.bytes(size);
      assert.equal(hex(wasmSha256(data)), reference(data), `size ${size}`);
      const hasher = new WasmSha256();
      for (let i = 0; i < size; i++) hasher.update(data.subarray(i, i + 1));
      assert.equal(hex(hasher.digest()), reference(data), `size ${size} byte by byte`);
    }
  });

  it("agrees with node:crypto on random sizes up to 8 MiB in random chunk splits", () => {
    const random = new Random(2);
    const sizes = [3 * MiB + 17, 8 * MiB, MiB - 1, MiB, MiB + 1];
    for (let i = 0; i < 24; i++) sizes.push(random.below(i < 20 ? 5000 : 8 * MiB));
    for (const size of sizes) {
      const data = random.bytes(size);
      const hasher = new WasmSha256();
      for (const piece of random.split(data, random.below(2) ? 200 : 3 * MiB)) {
        hasher.update(piece);
      }
      assert.equal(hex(hasher.digest()), reference(data), `size ${size}`);
    }
  });

  it("keeps many interleaved hashers apart", () => {
    const random = new Random(3);
    const inputs = Array.from({ length: 40 }, () => random.bytes(random.below(20_000)));
    const hashers = inputs.map(() => new WasmSha256());
    const offsets = inputs.map(() => 0);
    let open = inputs.length;
    while (open > 0) {
      const i = random.below(inputs.length);
      if (offsets[i] > inputs[i].length) continue;
      const n = random.below(300);
      hashers[i].update(inputs[i].subarray(offsets[i], offsets[i] + n));
      offsets[i] += n;
      if (offsets[i] > inputs[i].length) open--;
    }
    inputs.forEach((input, i) => assert.equal(hex(hashers[i].digest()), reference(input)));
  });

  it("survives the kernel memory growing while hashers are alive", () => {
    const random = new Random(4);
    const early = new WasmSha256().update(random.bytes(100));
    const data = random.bytes(777);
    const many = Array.from({ length: 20_000 }, () => new WasmSha256());
    for (const hasher of many.slice(0, 50)) hasher.update(data);
    early.update(data);
    const tail = many.at(-1)!;
    tail.update(data);
    assert.equal(hex(tail.digest()), reference(data));
    assert.equal(hex(many[7].digest()), reference(data));
    for (const hasher of many.slice(8, -1)) hasher.digest();
    assert.equal(hex(many[0].digest()), reference(data));
  });

  it("reuses released slots without mixing states", () => {
    const random = new Random(5);
    const data = random.bytes(300);
    const first = new WasmSha256().update(data);
    const firstDigest = hex(first.digest());
    const second = new WasmSha256();
    assert.equal(hex(second.digest()), reference(new Uint8Array(0)));
    assert.equal(firstDigest, reference(data));
  });

  it("refuses to be used after digest()", () => {
    const hasher = new WasmSha256();
    hasher.digest();
    assert.throws(() => hasher.update(new Uint8Array(1)), TypeError);
    assert.throws(() => hasher.digest(), TypeError);
  });
});
