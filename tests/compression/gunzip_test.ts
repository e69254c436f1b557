import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import process from "node:process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CompressionError } from "../../src/errors.ts";
import {
  autoInflateBackend,
  gunzip,
  gunzipStream,
  inflateRawStream,
} from "../../src/compression/mod.ts";
import { hostCrc32 } from "../../src/compression/_backend.ts";
import {
  BitWriter,
  concat,
  gzipMember,
  hasCommand,
  Rng,
  runCommand,
  runStream,
  streamError,
} from "./_data.ts";

const backends = ["wasm", "native"] as const;
const bytes = (text: string) => new TextEncoder().encode(text);
const content = bytes("hello hello hello, gzip test content\n");
const good = new Uint8Array(zlib.gzipSync(content));

function flipped(data: Uint8Array, index: number): Uint8Array {
  const copy = data.slice();
  copy[index < 0 ? copy.length + index : index] ^= 1;
  return copy;
}

/** A fixed-Huffman block (BFINAL=1, BTYPE=01) written by `body`. */
function fixedBlock(body: (w: BitWriter) => void): Uint8Array {
  const writer = new BitWriter().bits(1, 1).bits(1, 2);
  body(writer);
  return writer.code(0, 7).finish(); // end of block
}

const badInputs: Array<[string, Uint8Array, string]> = [
  ["empty input", new Uint8Array(0), "Truncated"],
  ["a cut header", good.subarray(0, 5), "Truncated"],
  ["a cut body", good.subarray(0, 14), "Truncated"],
  ["a cut trailer", good.subarray(0, good.length - 3), "Truncated"],
  ["a wrong CRC-32", flipped(good, -8), "BadChecksum"],
  ["a wrong length", flipped(good, -1), "BadLength"],
  ["bad magic", flipped(good, 1), "BadHeader"],
  ["plain text", bytes("this is not gzip at all"), "BadHeader"],
  [
    "another method",
    gzipMember(new Uint8Array([3, 0]), new Uint8Array(0), { method: 7 }),
    "BadHeader",
  ],
  [
    "reserved flags",
    gzipMember(new Uint8Array([3, 0]), new Uint8Array(0), { flags: 0x20 }),
    "BadHeader",
  ],
  [
    "a wrong header CRC-16",
    gzipMember(zlib.deflateRawSync(content), content, { headerCrc: true, badHeaderCrc: true }),
    "BadChecksum",
  ],
  ["trailing garbage", concat(good, bytes("garbage!")), "TrailingGarbage"],
  ["garbage after zero padding", concat(good, new Uint8Array(3), bytes("xyz")), "TrailingGarbage"],
  ["a trailing lone 1f", concat(good, new Uint8Array([0x1f, 0x00, 0x41])), "TrailingGarbage"],
  [
    "a stored block with a wrong NLEN",
    gzipMember(concat(new Uint8Array([1, 5, 0, 0, 0]), bytes("hello")), bytes("hello")),
    "BadBlock",
  ],
  ["block type 11", gzipMember(new Uint8Array([7, 0]), new Uint8Array(0)), "BadBlock"],
  [
    "over-subscribed code length codes",
    gzipMember(
      (() => {
        const w = new BitWriter().bits(1, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(15, 4);
        for (let i = 0; i < 19; i++) w.bits(1, 3);
        return w.finish();
      })(),
      new Uint8Array(0),
    ),
    "BadBlock",
  ],
  [
    "incomplete code length codes",
    gzipMember(
      (() => {
        // Only symbols 16 and 17 get a code (two 2-bit codes): incomplete.
        const w = new BitWriter().bits(1, 1).bits(2, 2).bits(0, 5).bits(0, 5).bits(0, 4);
        w.bits(2, 3).bits(2, 3).bits(0, 3).bits(0, 3);
        return w.finish();
      })(),
      new Uint8Array(0),
    ),
    "BadBlock",
  ],
  [
    "a distance before the start",
    gzipMember(fixedBlock((w) => w.code(0b0000001, 7).code(0, 5)), bytes("xxx")),
    "BadBlock",
  ],
  [
    "a distance reaching into the previous member",
    concat(good, gzipMember(fixedBlock((w) => w.code(0b0000001, 7).code(0, 5)), bytes("\n\n\n"))),
    "BadBlock",
  ],
  [
    "distance code 30",
    gzipMember(
      fixedBlock((w) => w.code(0x30 + 97, 8).code(0b0000001, 7).code(30, 5)),
      bytes("aaaa"),
    ),
    "BadBlock",
  ],
];

describe("gunzipStream", () => {
  for (const backend of backends) {
    describe(`backend ${backend}`, () => {
      it("agrees with node:zlib on random and text-like data in random chunks", async () => {
        const rng = new Rng(backend === "wasm" ? 1 : 2);
        const sizes = [0, 1, 2, 255, 32768, 32769, 65537, 300_000, 1 << 20, 8 << 20];
        for (const [i, size] of sizes.entries()) {
          for (const kind of ["random", "text"]) {
            if (size === 8 << 20 && kind === "random" && backend === "native") continue;
            const data = kind === "random" ? rng.bytes(size) : rng.text(size);
            const level = [0, 1, 6, 9][(i + (kind === "text" ? 1 : 0)) % 4];
            const packed = new Uint8Array(zlib.gzipSync(data, { level }));
            const maxPiece = [1, 100, 4096, 70_000, 1 << 20][rng.below(5)];
            const pieces = size > 1 << 20 && maxPiece < 4096
              ? [packed]
              : rng.split(packed, maxPiece);
            const out = await runStream(gunzipStream({ backend }), pieces);
            assert.equal(out.length, data.length, `size ${size} ${kind} level ${level}`);
            assert.ok(
              Buffer.from(out).equals(Buffer.from(data)),
              `size ${size} ${kind} level ${level}`,
            );
          }
        }
      });

      it("copies a match from exactly 32 KiB back, the whole window", async () => {
        const block = new Rng(12).bytes(32768);
        const stored = concat(new Uint8Array([0, 0x00, 0x80, 0xff, 0x7f]), block);
        // Fixed block: length 258 (symbol 285), distance code 29 with 13 extra bits all set.
        const match = fixedBlock((w) => w.code(0xc5, 8).code(29, 5).bits(8191, 13));
        const expected = concat(block, block.subarray(0, 258));
        const member = gzipMember(concat(stored, match), expected);
        assert.deepEqual(new Uint8Array(zlib.gunzipSync(member)), expected);
        for (const maxPiece of [1 << 20, 100]) {
          const pieces = new Rng(13).split(member, maxPiece);
          assert.deepEqual(await runStream(gunzipStream({ backend }), pieces), expected);
        }
      });

      it("decodes concatenated members and ignores zero padding after the last", async () => {
        const a = bytes("first member, ");
        const b = new Rng(3).text(100_000);
        const multi = concat(zlib.gzipSync(a), zlib.gzipSync(new Uint8Array(0)), zlib.gzipSync(b));
        const expected = concat(a, b);
        for (const tail of [new Uint8Array(0), new Uint8Array(1), new Uint8Array(3000)]) {
          const pieces = new Rng(tail.length).split(concat(multi, tail), 5000);
          assert.deepEqual(await runStream(gunzipStream({ backend }), pieces), expected);
        }
      });

      it("reads headers with FEXTRA, FNAME, FCOMMENT and FHCRC, byte by byte", async () => {
        const extra = new Rng(4).bytes(300);
        const headers = [
          { name: "file.tar" },
          { comment: "a comment" },
          { extra },
          { headerCrc: true },
          { extra, name: "layer.tar", comment: "made by hand", headerCrc: true },
          { name: "n".repeat(100_000), extra: new Rng(5).bytes(65535), headerCrc: true },
        ];
        for (const fields of headers) {
          const member = gzipMember(zlib.deflateRawSync(content), content, fields);
          const big = fields.name !== undefined && fields.name.length > 1000;
          const pieces = big
            ? new Rng(6).split(member, 3000)
            : [...member].map((b) => new Uint8Array([b]));
          assert.deepEqual(await runStream(gunzipStream({ backend }), pieces), content);
        }
      });

      for (const [name, input, reason] of badInputs) {
        it(`fails with ${reason} on ${name}`, async () => {
          for (const pieces of [[input], [...input].map((b) => new Uint8Array([b]))]) {
            const error = await streamError(gunzipStream({ backend, what: "blob" }), pieces);
            assert.ok(error instanceof CompressionError, `${name}: ${error}`);
            assert.equal(error.reason, reason, `${name}: ${error.message}`);
            assert.equal(error.code, "Compression");
            assert.match(error.message, /^Cannot decompress "blob": /);
          }
          assert.throws(
            () => gunzip(input, { backend }),
            (e) => e instanceof CompressionError && e.reason === reason,
          );
        });
      }

      it("decodes files made by the gzip command at -1 and -9, with a file name", async (t) => {
        if (!hasCommand("gzip")) {
          t.skip("gzip command not installed");
          return;
        }
        const rng = new Rng(7);
        const data = concat(rng.text(700_000), rng.bytes(200_000), rng.text(100_000));
        const dir = await mkdtemp(join(tmpdir(), "stevedore-gzip-"));
        try {
          const file = join(dir, "data.bin");
          await writeFile(file, data);
          for (const level of ["-1", "-9"]) {
            const named = runCommand("gzip", [level, "-c", file]);
            assert.equal(named[3] & 8, 8, "gzip stores the file name");
            const nameless = runCommand("gzip", [level, "-n", "-c", file]);
            assert.equal(nameless[3] & 8, 0, "gzip -n stores no file name");
            const packed = concat(named, nameless); // two members, as `cat a.gz b.gz`
            const out = await runStream(
              gunzipStream({ backend }),
              new Rng(8).split(packed, 100_000),
            );
            assert.ok(Buffer.from(out).equals(Buffer.from(concat(data, data))), `gzip ${level}`);
          }
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      });

      it("one-shot gunzip agrees with the stream", () => {
        const data = new Rng(9).text(200_000);
        assert.deepEqual(gunzip(new Uint8Array(zlib.gzipSync(data)), { backend }), data);
      });

      it("decodes raw DEFLATE and refuses bytes after its end", async () => {
        const data = new Rng(10).text(100_000);
        const raw = new Uint8Array(zlib.deflateRawSync(data));
        const out = await runStream(inflateRawStream({ backend }), new Rng(11).split(raw, 9000));
        assert.deepEqual(out, data);
        const error = await streamError(inflateRawStream({ backend }), [raw, bytes("more")]);
        assert.ok(error instanceof CompressionError);
        assert.ok(["TrailingGarbage", "BadBlock"].includes(error.reason), error.message);
        const cut = await streamError(inflateRawStream({ backend }), [raw.subarray(0, 500)]);
        assert.ok(cut instanceof CompressionError && cut.reason === "Truncated");
      });

      it("hands a highly compressible input out piece by piece, as the reader asks", async () => {
        const bomb = new Uint8Array(zlib.gzipSync(new Uint8Array(64 << 20), { level: 9 }));
        const stream = gunzipStream({ backend });
        const writer = stream.writable.getWriter();
        let written = false;
        const writing = writer.write(bomb).then(() => (written = true));
        const reader = stream.readable.getReader();
        let total = 0;
        let largest = 0;
        for (let i = 0; i < 4; i++) {
          const { value } = await reader.read();
          total += value!.length;
          largest = Math.max(largest, value!.length);
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(written, false, "the write waits for the reader");
        const closing = writing.then(() => writer.close());
        while (true) {
          const { done, value } = await reader.read();
          if (done) break;
          total += value.length;
          largest = Math.max(largest, value.length);
        }
        await closing;
        assert.equal(total, 64 << 20);
        assert.ok(largest <= 1 << 20, `largest chunk ${largest}`);
      });

      it("stops when the reader cancels", async () => {
        const stream = gunzipStream({ backend });
        const writer = stream.writable.getWriter();
        const packed = new Uint8Array(zlib.gzipSync(new Uint8Array(16 << 20)));
        const writing = writer.write(packed);
        const reader = stream.readable.getReader();
        await reader.read();
        await reader.cancel(new Error("enough"));
        await assert.rejects(writing);
      });
    });
  }

  it("auto runs the measured backend; STEVEDORE_KERNELS forces one", async () => {
    // The two backends word a CRC mismatch differently, which tells which one ran.
    const native = /incorrect data check/;
    const wasm = /CRC-32 does not match the data/;
    const saved = process.env.STEVEDORE_KERNELS;
    const badCrc = flipped(good, -8);
    const message = async () => {
      const error = await streamError(gunzipStream(), [badCrc]);
      assert.ok(error instanceof CompressionError && error.reason === "BadChecksum");
      return error.message;
    };
    try {
      delete process.env.STEVEDORE_KERNELS;
      // auto: the WASM kernel (every runtime here has node:zlib's crc32 for it).
      assert.match(await message(), wasm);
      process.env.STEVEDORE_KERNELS = "wasm";
      assert.match(await message(), wasm);
      assert.throws(() => gunzip(badCrc), wasm);
      process.env.STEVEDORE_KERNELS = "native";
      assert.match(await message(), native);
      assert.match(
        String(await streamError(gunzipStream({ backend: "native" }), [badCrc])),
        native,
      );
    } finally {
      if (saved === undefined) delete process.env.STEVEDORE_KERNELS;
      else process.env.STEVEDORE_KERNELS = saved;
    }
  });

  it("refuses an unknown backend", () => {
    assert.throws(() => gunzipStream({ backend: "fast" as "wasm" }), TypeError);
  });
});

describe("gunzip backend choice", () => {
  it("auto is the WASM kernel (with node:zlib's CRC-32) on Deno, Node and Bun (as measured)", () => {
    assert.equal(autoInflateBackend(), "wasm");
  });

  it("the WASM decoder's CRC-32 is node:zlib's where the runtime has it, unless told wasm", () => {
    const saved = process.env.STEVEDORE_KERNELS;
    try {
      delete process.env.STEVEDORE_KERNELS;
      assert.equal(typeof zlib.crc32, "function", "Node 20.15+, Deno and Bun have zlib.crc32");
      assert.equal(hostCrc32(), zlib.crc32);
      process.env.STEVEDORE_KERNELS = "wasm";
      assert.equal(hostCrc32(), undefined);
    } finally {
      if (saved === undefined) delete process.env.STEVEDORE_KERNELS;
      else process.env.STEVEDORE_KERNELS = saved;
    }
  });
});
