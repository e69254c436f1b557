import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as zlib from "node:zlib";
import { sniffCompression } from "../../src/compression/mod.ts";

describe("sniffCompression", () => {
  it("recognizes each format by its magic", () => {
    assert.equal(sniffCompression(new Uint8Array(zlib.gzipSync("x"))), "gzip");
    assert.equal(sniffCompression(new Uint8Array([0x1f, 0x8b])), "gzip");
    assert.equal(sniffCompression(new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x20, 0])), "zstd");
    assert.equal(sniffCompression(new TextEncoder().encode("BZh91AY&SY")), "bzip2");
    assert.equal(sniffCompression(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 0, 4])), "xz");
  });

  it("says none for other data and for prefixes too short to hold a magic", () => {
    assert.equal(sniffCompression(new Uint8Array(0)), "none");
    assert.equal(sniffCompression(new Uint8Array([0x1f])), "none");
    assert.equal(sniffCompression(new Uint8Array([0x1f, 0x8c])), "none");
    assert.equal(sniffCompression(new Uint8Array([0x28, 0xb5, 0x2f])), "none");
    assert.equal(sniffCompression(new Uint8Array([0xfd, 0x37, 0x7a, 0x58, 0x5a, 1])), "none");
    assert.equal(sniffCompression(new TextEncoder().encode("BZ")), "none");
    assert.equal(sniffCompression(new TextEncoder().encode("ustar\0 a tar file")), "none");
    assert.equal(sniffCompression(new Uint8Array(512)), "none");
  });
});
