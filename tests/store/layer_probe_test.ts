// The layer probe: what a layer is, learned in the pass that stores it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "fflate";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { layerProbe, openStore, probeStoredLayer } from "../../src/store/mod.ts";
import { CompressionError, DigestMismatchError } from "../../src/errors.ts";
import { sha256, tarOf } from "../helpers/random_image.ts";
import { streamOf } from "./_helpers.ts";

function chunked(bytes: Uint8Array, size: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at += size));
    },
  });
}

describe("layer probe", () => {
  const tar = tarOf("file.bin", crypto.getRandomValues(new Uint8Array(10_000)));
  const packed = gzipSync(tar, { mtime: 0 });

  it("learns compression, diff ID and uncompressed size while the bytes pass unchanged", async () => {
    for (const [bytes, compression] of [[packed, "gzip"], [tar, "none"]] as const) {
      // Tiny chunks: the sniffed head spans several of them.
      const probe = layerProbe("layer");
      const out = await new Response(chunked(bytes, 3).pipeThrough(probe.stream)).arrayBuffer();
      assert.deepEqual(new Uint8Array(out), bytes);
      assert.deepEqual(await probe.facts, { compression, diffId: sha256(tar), size: tar.length });
      assert.equal(probe.ended, true);
    }
  });

  it("keeps no chunk it was shown: chunks filled again once written change nothing", async () => {
    // A zstd frame of 1000 "A"s (one RLE block).
    const zstd = new Uint8Array([0x28, 0xb5, 0x2f, 0xfd, 0x60, 0xe8, 0x02, 0x43, 0x1f, 0, 0x41]);
    const cases = [
      [packed, "gzip", tar],
      [tar, "none", tar],
      [zstd, "zstd", new Uint8Array(1000).fill(0x41)],
    ] as const;
    for (const [bytes, compression, plain] of cases) {
      for (const size of [3, 4096]) {
        const probe = layerProbe("layer");
        for (let at = 0; at < bytes.length; at += size) {
          const chunk = bytes.slice(at, at + size);
          await probe.tap.write(chunk);
          chunk.fill(0xff); // the writer reuses its buffer, as a store pull does
        }
        await probe.tap.close();
        assert.deepEqual(
          await probe.facts,
          { compression, diffId: sha256(plain), size: plain.length },
          `${compression}, chunks of ${size}`,
        );
      }
    }
  });

  it("a failed check or undecompressable data fails the stream at its end", async () => {
    const refused = layerProbe("layer", () => {
      throw new RangeError("not this one");
    });
    await assert.rejects(
      streamOf(packed).pipeThrough(refused.stream).pipeTo(new WritableStream()),
      RangeError,
    );
    const broken = packed.slice();
    broken.fill(0xff, 20, 200);
    const probe = layerProbe("bad layer");
    await assert.rejects(
      streamOf(broken).pipeThrough(probe.stream).pipeTo(new WritableStream()),
      (error: unknown) => error instanceof CompressionError && /bad layer/.test(String(error)),
    );
  });

  it("behind a store's digest check, altered bytes are a digest mismatch and nothing is kept", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const broken = packed.slice();
    broken.fill(0xff, 20, 200);
    await assert.rejects(
      store.putBlob(sha256(packed), packed.length, streamOf(broken), {
        tap: layerProbe("layer").tap,
      }),
      DigestMismatchError,
    );
    assert.equal(await store.hasBlob(sha256(packed)), false);
    assert.deepEqual(await fs.readDir("/s/tmp"), []);
    // The right bytes go in, and a stored layer can be probed again.
    await store.putBlob(sha256(packed), packed.length, streamOf(packed));
    const facts = await probeStoredLayer(store, sha256(packed));
    assert.deepEqual(facts, { compression: "gzip", diffId: sha256(tar), size: tar.length });
  });
});
