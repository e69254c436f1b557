import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompressionError } from "../../src/errors.ts";
import { zstdDecompressStream } from "../../src/compression/mod.ts";
import { concat, hasCommand, Rng, runCommand, runStream, streamError } from "./_data.ts";

/** A frame holding "hi": magic, descriptor (single segment), size 2, one last raw block. */
const HI = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 2, 0x11, 0, 0, 0x68, 0x69]);
/** A frame holding 1000 bytes "A" as one RLE block (2-byte content size: 1000 - 256). */
const RLE = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x60, 0xe8, 0x02, 0x43, 0x1f, 0, 0x41]);

describe("zstdDecompressStream", () => {
  it("decodes hand-made frames, whole and byte by byte, and several frames in a row", async () => {
    assert.deepEqual(await runStream(zstdDecompressStream(), [HI]), new TextEncoder().encode("hi"));
    const bytewise = [...concat(HI, RLE, HI)].map((b) => new Uint8Array([b]));
    const out = await runStream(zstdDecompressStream(), bytewise);
    assert.equal(new TextDecoder().decode(out), "hi" + "A".repeat(1000) + "hi");
  });

  it("decodes what the zstd command makes", async (t) => {
    if (!hasCommand("zstd")) {
      console.log("zstd command not installed: skipping the zstd CLI fixtures");
      t.skip("zstd command not installed");
      return;
    }
    const rng = new Rng(41);
    const data = concat(rng.text(1_500_000), rng.bytes(300_000));
    const dir = await mkdtemp(join(tmpdir(), "stevedore-zstd-"));
    try {
      const file = join(dir, "data.bin");
      await writeFile(file, data);
      for (const args of [["-1"], ["-19"], ["-3", "--no-check"], ["-3", "--long=24"]]) {
        const packed = runCommand("zstd", ["-q", "-c", ...args, file]);
        const out = await runStream(zstdDecompressStream(), rng.split(packed, 100_000));
        assert.ok(Buffer.from(out).equals(Buffer.from(data)), args.join(" "));
      }
      const two = concat(
        runCommand("zstd", ["-q", "-c", file]),
        runCommand("zstd", ["-q", "-c", file]),
      );
      assert.ok(
        Buffer.from(await runStream(zstdDecompressStream(), [two])).equals(
          Buffer.from(concat(data, data)),
        ),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("fails with a CompressionError on bad data", async () => {
    const cases: Array<[string, Uint8Array, string]> = [
      [
        "bad magic",
        new Uint8Array([0x28, 0xb5, 0x2f, 0xfe, 0x20, 2, 0x11, 0, 0, 0x68, 0x69]),
        "BadHeader",
      ],
      ["gzip data", new Uint8Array([0x1f, 0x8b, 8, 0, 0, 0, 0, 0]), "BadHeader"],
      ["empty input", new Uint8Array(0), "Truncated"],
      ["a cut frame", HI.subarray(0, 8), "Truncated"],
      [
        "reserved block type",
        new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 2, 0x17, 0, 0, 0x68, 0x69]),
        "BadBlock",
      ],
    ];
    for (const [name, input, reason] of cases) {
      const error = await streamError(zstdDecompressStream({ what: "layer" }), [input]);
      assert.ok(error instanceof CompressionError, `${name}: ${error}`);
      assert.equal(error.reason, reason, `${name}: ${error.message}`);
      assert.match(error.message, /^Cannot decompress "layer": /);
    }
  });
});
