import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzip, gunzipStream, gzip, gzipStream } from "../../src/compression/mod.ts";
import { concat, hasCommand, Rng, runCommand, runStream } from "./_data.ts";

const backends = ["wasm", "native"] as const;

describe("gzipStream", () => {
  for (const backend of backends) {
    it(`round-trips through node:zlib and our gunzip at several levels (${backend})`, async () => {
      const rng = new Rng(backend === "wasm" ? 31 : 32);
      for (const level of [0, 1, 6, 9]) {
        for (const data of [new Uint8Array(0), rng.text(300_000), rng.bytes(70_000)]) {
          const packed = await runStream(gzipStream({ level, backend }), rng.split(data, 50_000));
          assert.equal(packed[0], 0x1f);
          assert.equal(packed[1], 0x8b);
          assert.deepEqual(new Uint8Array(zlib.gunzipSync(packed)), data, `level ${level}`);
          const back = await runStream(gunzipStream(), rng.split(packed, 10_000));
          assert.deepEqual(back, data, `level ${level}`);
          assert.deepEqual(gunzip(gzip(data, { level, backend })), data);
        }
      }
    });

    it(`compresses text at level 9 no larger than at level 1 (${backend})`, () => {
      const data = new Rng(33).text(500_000);
      const small = gzip(data, { level: 9, backend }).length;
      const fast = gzip(data, { level: 1, backend }).length;
      assert.ok(small <= fast, `${small} > ${fast}`);
      assert.ok(small < data.length / 2, `ratio too low: ${data.length / small}`);
      assert.equal(gzip(data, { level: 0, backend }).length > data.length, true);
    });
  }

  it("makes output the gzip command accepts", async (t) => {
    if (!hasCommand("gzip")) {
      t.skip("gzip command not installed");
      return;
    }
    const data = new Rng(34).text(200_000);
    const dir = await mkdtemp(join(tmpdir(), "stevedore-gzip-"));
    try {
      const file = join(dir, "out.gz");
      const packed = concat(gzip(data, { backend: "wasm" }), gzip(data, { backend: "native" }));
      await writeFile(file, packed);
      assert.deepEqual(runCommand("gzip", ["-dc", file]), concat(data, data));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses levels outside 0..9", () => {
    for (const level of [-1, 10, 2.5, NaN]) {
      assert.throws(() => gzipStream({ level }), RangeError);
      assert.throws(() => gzip(new Uint8Array(1), { level }), RangeError);
    }
  });
});
