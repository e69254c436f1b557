import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import {
  INFLATE_DONE,
  INFLATE_NEED_INPUT,
  INFLATE_OUTPUT_FULL,
  inflateErrorKind,
  type InflateFormat,
  WasmInflater,
  type WasmInflaterOptions,
} from "../../src/wasm/inflate.ts";
import { wasmCrc32 } from "../../src/wasm/crc32.ts";
import { concat, Rng } from "../compression/_data.ts";

/** Runs a whole input through one inflater in the given pieces; returns output and status. */
function inflate(format: InflateFormat, pieces: Uint8Array[], options?: WasmInflaterOptions) {
  const inflater = new WasmInflater(format, options);
  const out: Uint8Array[] = [];
  let largest = 0;
  let status = INFLATE_NEED_INPUT;
  const run = (final: boolean) => {
    while (true) {
      status = inflater.decode(final);
      const part = inflater.takeOutput();
      if (part !== undefined) {
        out.push(part);
        largest = Math.max(largest, part.length);
      }
      if (status !== INFLATE_OUTPUT_FULL) return;
    }
  };
  try {
    for (const piece of pieces) {
      let offset = 0;
      while (offset < piece.length && status >= 0) {
        offset += inflater.write(piece.subarray(offset));
        run(false);
      }
    }
    if (status >= 0) run(true);
    return { output: concat(...out), status, largest, left: inflater.inputLeft() };
  } finally {
    inflater.release();
  }
}

/** Bytes with geometric frequencies (byte k about 2^-k of the time): the longest codes. */
function skewed(rng: Rng, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.min(255, Math.clz32(rng.next() | 1));
  return out;
}

describe("WasmInflater", () => {
  it("agrees with node:zlib on gzip and raw DEFLATE of random and text-like data", () => {
    const rng = new Rng(21);
    for (const size of [0, 1, 3, 100, 4095, 32768, 32769, 65536, 200_001, 1_500_000]) {
      for (const kind of ["random", "text", "runs", "skewed"]) {
        const data = kind === "random"
          ? rng.bytes(size)
          : kind === "text"
          ? rng.text(size)
          : kind === "runs"
          ? new Uint8Array(size).map((_, i) => (i >> 10) & 3)
          : skewed(rng, size);
        for (const level of [0, 1, 6, 9]) {
          const gz = new Uint8Array(zlib.gzipSync(data, { level }));
          const raw = new Uint8Array(zlib.deflateRawSync(data, { level }));
          const maxPiece = [1, 17, 1000, 100_000][rng.below(4)];
          const pieceSize = size > 100_000 && maxPiece < 1000 ? 1000 : maxPiece;
          for (const [format, packed] of [["gzip", gz], ["raw", raw]] as const) {
            const result = inflate(format, rng.split(packed, pieceSize));
            const label = `${format} size ${size} ${kind} level ${level}`;
            assert.equal(result.status, INFLATE_DONE, label);
            assert.equal(result.output.length, size, label);
            assert.ok(Buffer.from(result.output).equals(Buffer.from(data)), label);
          }
        }
      }
    }
  });

  it("decodes 8 MiB in bounded output pieces", () => {
    const data = new Rng(22).text(8 << 20);
    const gz = new Uint8Array(zlib.gzipSync(data, { level: 6 }));
    const result = inflate("gzip", new Rng(23).split(gz, 1 << 20));
    assert.equal(result.status, INFLATE_DONE);
    assert.ok(Buffer.from(result.output).equals(Buffer.from(data)));
    assert.ok(result.largest <= 288 << 10, `largest output piece ${result.largest}`);
  });

  it("takes at most its input buffer and asks to decode first", () => {
    const inflater = new WasmInflater("gzip");
    try {
      const big = new Uint8Array(zlib.gzipSync(new Rng(24).bytes(200_000)));
      const taken = inflater.write(big);
      assert.ok(taken > 0 && taken < big.length);
      assert.equal(inflater.write(big.subarray(taken)), 0);
      assert.ok(inflater.decode(false) >= 0);
      inflater.takeOutput();
      assert.ok(inflater.write(big.subarray(taken)) > 0);
    } finally {
      inflater.release();
    }
  });

  it("reports each kind of bad data with its own code", () => {
    const good = new Uint8Array(zlib.gzipSync(new TextEncoder().encode("some content")));
    const cases: Array<[string, Uint8Array[], string]> = [
      ["bad magic", [new Uint8Array([0x1f, 0x8c])], "BadHeader"],
      ["truncated", [good.subarray(0, good.length - 1)], "Truncated"],
      ["bad CRC", [good.slice().map((b, i) => (i === good.length - 6 ? b ^ 4 : b))], "BadCrc"],
      [
        "bad length",
        [good.slice().map((b, i) => (i === good.length - 2 ? b ^ 4 : b))],
        "BadLength",
      ],
      ["trailing", [good, new Uint8Array([0, 0, 7])], "TrailingGarbage"],
      ["block type 11", [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 7])], "BadBlockType"],
      [
        "stored NLEN",
        [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 1, 0, 0, 0, 65])],
        "StoredLength",
      ],
    ];
    for (const [name, pieces, kind] of cases) {
      const result = inflate("gzip", pieces);
      assert.ok(result.status < 0, name);
      assert.equal(inflateErrorKind(result.status), kind, name);
    }
    const raw = new Uint8Array(zlib.deflateRawSync(new TextEncoder().encode("raw")));
    assert.equal(
      inflateErrorKind(inflate("raw", [raw, new Uint8Array([1])]).status),
      "TrailingGarbage",
    );
    assert.equal(inflateErrorKind(inflate("raw", [raw.subarray(0, 2)]).status), "Truncated");
  });

  it("checks gzip members against a host CRC-32 when given one", () => {
    const rng = new Rng(26);
    // Three members (one empty), 700 KB of output: several output buffers and slides.
    const parts = [rng.text(300_000), new Uint8Array(0), rng.bytes(400_000)];
    const packed = concat(...parts.map((part) => new Uint8Array(zlib.gzipSync(part))));
    let hashed = 0;
    const counting = (data: Uint8Array, value: number) => {
      hashed += data.length;
      return zlib.crc32(data, value);
    };
    const good = inflate("gzip", rng.split(packed, 50_000), { crc32: counting });
    assert.equal(good.status, INFLATE_DONE);
    assert.deepEqual(good.output, concat(...parts));
    assert.equal(hashed, 700_000, "the host computed the CRC of every output byte");

    // The host's value is the one compared with the trailers: a wrong one fails the data,
    // and a host CRC that agrees with a corrupted trailer passes it.
    const wrong = inflate("gzip", [packed], { crc32: (data, value) => counting(data, value) ^ 1 });
    assert.equal(inflateErrorKind(wrong.status), "BadCrc");
    const single = new Uint8Array(zlib.gzipSync(parts[0]));
    const trailer = single.length - 8;
    const flipped = single.slice();
    flipped[trailer] ^= 0xff;
    assert.equal(inflateErrorKind(inflate("gzip", [flipped]).status), "BadCrc");
    const claimed = new DataView(flipped.buffer).getUint32(trailer, true);
    assert.equal(inflate("gzip", [flipped], { crc32: () => claimed }).status, INFLATE_DONE);

    // A pooled instance given no host CRC afterwards computes its own again.
    assert.equal(inflateErrorKind(inflate("gzip", [flipped]).status), "BadCrc");
    assert.equal(wasmCrc32(parts[0]), zlib.crc32(parts[0]));
  });

  it("keeps an error until released, and a reused instance starts clean", () => {
    for (let round = 0; round < 6; round++) {
      const bad = inflate("gzip", [new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 7])]);
      assert.equal(inflateErrorKind(bad.status), "BadBlockType");
      const data = new Rng(round).text(50_000);
      const ok = inflate("gzip", [new Uint8Array(zlib.gzipSync(data))]);
      assert.equal(ok.status, INFLATE_DONE);
      assert.deepEqual(ok.output, data);
    }
    const released = new WasmInflater("raw");
    released.release();
    assert.throws(() => released.decode(true), TypeError);
  });

  it("runs many decoders at once, each with its own state", () => {
    const rng = new Rng(25);
    const inputs = Array.from({ length: 6 }, (_, i) => rng.text(100_000 + i));
    const inflaters = inputs.map(() => new WasmInflater("gzip"));
    const packed = inputs.map((d) => new Uint8Array(zlib.gzipSync(d)));
    const outputs: Uint8Array[][] = inputs.map(() => []);
    const offsets = inputs.map(() => 0);
    let active = inputs.length;
    while (active > 0) {
      active = 0;
      for (let i = 0; i < inflaters.length; i++) {
        if (offsets[i] > packed[i].length) continue;
        const piece = packed[i].subarray(offsets[i], offsets[i] + 3000);
        let taken = 0;
        while (taken < piece.length) {
          taken += inflaters[i].write(piece.subarray(taken));
          let status;
          do {
            status = inflaters[i].decode(false);
            const out = inflaters[i].takeOutput();
            if (out) outputs[i].push(out);
          } while (status === INFLATE_OUTPUT_FULL);
        }
        offsets[i] += 3000;
        if (offsets[i] >= packed[i].length) {
          let status;
          do {
            status = inflaters[i].decode(true);
            const out = inflaters[i].takeOutput();
            if (out) outputs[i].push(out);
          } while (status === INFLATE_OUTPUT_FULL);
          assert.equal(status, INFLATE_DONE);
          offsets[i] = Infinity;
        } else {
          active++;
        }
      }
    }
    inflaters.forEach((inflater, i) => {
      assert.deepEqual(concat(...outputs[i]), inputs[i]);
      inflater.release();
    });
  });
});
