import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "fflate";
import { copyBetween } from "../../src/copy/mod.ts";
import type { CopyProgressEvent } from "../../src/copy/mod.ts";
import {
  DigestMismatchError,
  InvalidManifestError,
  RegistryError,
  UnsupportedTransportError,
} from "../../src/errors.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { MemoryStore, memoryTransport } from "../helpers/memory_transport.ts";
import type { MemoryTransportOptions } from "../helpers/memory_transport.ts";
import { randomImage, sha256, tarOf } from "../helpers/random_image.ts";

const context = () => ({ fs: new MemoryFileSystem(), tmpDir: "/tmp" });
const decoder = new TextDecoder();
const json = (bytes: Uint8Array) => JSON.parse(decoder.decode(bytes));

/** A source transport holding `image` as "src", and a destination transport. */
function setup(
  image: ReturnType<typeof randomImage>,
  src: MemoryTransportOptions = {},
  dest: MemoryTransportOptions = {},
) {
  const from = memoryTransport({ ...src, name: "src" });
  from.store.add("img", image);
  const to = memoryTransport({ name: "dest", ...dest });
  return { from, to, srcRef: from.parse("img"), destRef: to.parse("out") };
}

describe("copyBetween between memory transports", () => {
  it("copies an image byte for byte with progress events", async () => {
    const image = randomImage({ layers: 3, layerSize: 5000 });
    const { to, srcRef, destRef } = setup(image);
    const events: CopyProgressEvent[] = [];
    const result = await copyBetween(srcRef, destRef, {
      context: context(),
      onProgress: (e) => events.push(e),
    });
    assert.equal(result.manifestDigest, image.manifest.digest);
    assert.deepEqual(result.manifest.bytes, image.manifest.bytes);
    assert.equal(result.manifestChanged, false);
    assert.deepEqual(to.store.top("out")?.bytes, image.manifest.bytes);
    for (const [digest, bytes] of image.blobs) assert.deepEqual(to.store.blobs.get(digest), bytes);
    for (const layer of image.layers) {
      const mine = events.filter((e) => e.digest === layer.digest);
      assert.equal(mine[0].kind, "blob-start");
      assert.equal(mine.at(-1)?.kind, "blob-done");
      const bytes = mine.filter((e) => e.kind === "blob-bytes").map((e) => e.bytes);
      assert.equal(bytes.at(-1), layer.size);
      assert.deepEqual(bytes, [...bytes].sort((a, b) => a - b));
    }
    assert.equal(to.stats.commits, 1);
  });

  it("starts the largest layers first and keeps the manifest's order", async () => {
    // Sizes out of order; distinct so that the expected order is unique.
    const sizes = [3000, 90_000, 500, 40_000, 7000, 120_000, 1500];
    const image = randomImage({
      layerTars: sizes.map((size, i) => tarOf(`f${i}`, new Uint8Array(size).fill(i + 1))),
      compress: false,
    });
    const { to, srcRef, destRef } = setup(image);
    const started: string[] = [];
    const result = await copyBetween(srcRef, destRef, {
      context: context(),
      concurrency: 2,
      onProgress: (e) => {
        if (e.kind === "blob-start" && e.digest !== image.config.digest) started.push(e.digest);
      },
    });
    const bySize = [...image.layers].sort((a, b) => b.size - a.size).map((l) => l.digest);
    assert.deepEqual(started, bySize);
    assert.deepEqual(result.manifest.bytes, image.manifest.bytes);
    assert.deepEqual(to.store.top("out")?.bytes, image.manifest.bytes);
  });

  it("skips blobs the destination already has", async () => {
    const image = randomImage({ layers: 3 });
    const { to, srcRef, destRef } = setup(image);
    to.store.blobs.set(image.layers[1].digest, image.layers[1].bytes);
    to.store.blobs.set(image.config.digest, image.config.bytes);
    const events: CopyProgressEvent[] = [];
    await copyBetween(srcRef, destRef, { context: context(), onProgress: (e) => events.push(e) });
    assert.deepEqual(
      new Set(to.stats.putBlob),
      new Set([image.layers[0].digest, image.layers[2].digest]),
    );
    const skipped = events.filter((e) => e.kind === "blob-skipped").map((e) => e.digest);
    assert.deepEqual(new Set(skipped), new Set([image.layers[1].digest, image.config.digest]));
  });

  for (const concurrency of [1, 3]) {
    it(`copies at most ${concurrency} layer(s) at a time`, async () => {
      const image = randomImage({ layers: 7, layerSize: 100 });
      // Hold the first `concurrency` streams until that many are open at once.
      let waiting: (() => void)[] = [];
      let released = false;
      const gate = () =>
        new Promise<void>((resolve) => {
          if (released) return resolve();
          waiting.push(resolve);
          if (waiting.length === concurrency) {
            released = true;
            waiting.forEach((r) => r());
            waiting = [];
          }
        });
      const { to, srcRef, destRef } = setup(image, {
        wrapBlob: (digest, stream) => {
          if (digest === image.config.digest) return stream;
          const reader = stream.getReader();
          let opened = false;
          return new ReadableStream({
            async pull(controller) {
              if (!opened) {
                opened = true;
                await gate();
              }
              const { done, value } = await reader.read();
              if (done) controller.close();
              else controller.enqueue(value);
            },
          });
        },
      });
      await copyBetween(srcRef, destRef, { context: context(), concurrency });
      assert.equal(to.stats.maxConcurrentPuts, concurrency);
      assert.equal(to.stats.putBlob.length, 8);
    });
  }

  it("aborting mid-copy rejects and commits nothing", async () => {
    const image = randomImage({ layers: 2, layerSize: 4000 });
    const { to, srcRef, destRef } = setup(image, {
      wrapBlob: (digest, stream) => {
        if (digest === image.config.digest) return stream;
        const reader = stream.getReader();
        let sent = false;
        return new ReadableStream({
          async pull(controller) {
            if (sent) return new Promise(() => {}); // stall forever
            sent = true;
            controller.enqueue((await reader.read()).value!);
          },
        });
      },
    });
    const controller = new AbortController();
    const reason = new Error("stop now");
    await assert.rejects(
      copyBetween(srcRef, destRef, {
        context: context(),
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === "blob-bytes") controller.abort(reason);
        },
      }),
      (error) => error === reason,
    );
    assert.equal(to.stats.commits, 0);
    assert.equal(to.stats.discards, 1);
    assert.equal(to.store.top("out"), undefined);
    assert.equal(to.store.blobs.has(image.layers[0].digest), false);
  });

  it("an already aborted signal copies nothing", async () => {
    const image = randomImage({ layers: 1 });
    const { to, srcRef, destRef } = setup(image);
    await assert.rejects(
      copyBetween(srcRef, destRef, { context: context(), signal: AbortSignal.abort() }),
    );
    assert.equal(to.stats.putBlob.length, 0);
    assert.equal(to.store.top("out"), undefined);
  });

  it("rejects a blob whose bytes do not match its digest, committing nothing", async () => {
    const image = randomImage({ layers: 2 });
    const { from, to, srcRef, destRef } = setup(image);
    const bad = image.layers[1].bytes.slice();
    bad[bad.length - 5] ^= 0xff;
    from.store.blobs.set(image.layers[1].digest, bad);
    await assert.rejects(
      copyBetween(srcRef, destRef, { context: context() }),
      (error) => error instanceof DigestMismatchError && error.expected === image.layers[1].digest,
    );
    assert.equal(to.stats.commits, 0);
    assert.equal(to.store.top("out"), undefined);
    assert.equal(to.store.blobs.has(image.layers[1].digest), false);
  });

  it("rejects a blob of the wrong size", async () => {
    const image = randomImage({ layers: 1 });
    const { from, to, srcRef, destRef } = setup(image);
    const longer = new Uint8Array(image.layers[0].size + 1);
    longer.set(image.layers[0].bytes);
    from.store.blobs.set(image.layers[0].digest, longer);
    await assert.rejects(copyBetween(srcRef, destRef, { context: context() }), DigestMismatchError);
    assert.equal(to.stats.commits, 0);
  });

  it("retries a transient failure, not a digest mismatch", async () => {
    const image = randomImage({ layers: 1 });
    let failures = 1;
    const { from, to, srcRef, destRef } = setup(image, {
      wrapBlob: (digest, stream) => {
        if (digest !== image.layers[0].digest || failures-- <= 0) return stream;
        return new ReadableStream({
          start: (c) => c.error(new RegistryError("GET blob", 503, "unavailable")),
        });
      },
    });
    await copyBetween(srcRef, destRef, { context: context(), retryDelayMs: 0 });
    assert.equal(from.stats.getBlob.filter((d) => d === image.layers[0].digest).length, 2);
    assert.equal(to.stats.commits, 1);

    const other = randomImage({ layers: 1 });
    const second = setup(other);
    second.from.store.blobs.set(other.layers[0].digest, new Uint8Array(other.layers[0].size));
    await assert.rejects(
      copyBetween(second.srcRef, second.destRef, { context: context(), retryDelayMs: 0 }),
      DigestMismatchError,
    );
    assert.equal(second.from.stats.getBlob.filter((d) => d === other.layers[0].digest).length, 1);
  });

  it("rejects bad options and unsupported manifests", async () => {
    const image = randomImage({ layers: 1 });
    const { srcRef, destRef, from } = setup(image);
    await assert.rejects(
      copyBetween(srcRef, destRef, { context: context(), concurrency: 0 }),
      RangeError,
    );
    await assert.rejects(
      copyBetween(srcRef, destRef, { context: context(), manifestType: "text/plain" }),
      TypeError,
    );
    const schema1 = new TextEncoder().encode(
      JSON.stringify({
        schemaVersion: 1,
        name: "a",
        tag: "b",
        architecture: "amd64",
        fsLayers: [],
        history: [],
      }),
    );
    from.store.manifests.set(sha256(schema1), {
      bytes: schema1,
      mediaType: "application/vnd.docker.distribution.manifest.v1+json",
      digest: sha256(schema1),
    });
    from.store.names.set("old", sha256(schema1));
    await assert.rejects(
      copyBetween(from.parse("old"), destRef, { context: context() }),
      InvalidManifestError,
    );
  });
});

describe("copyBetween layer compression and conversion", () => {
  it("decompresses layers for a destination that wants them uncompressed", async () => {
    const image = randomImage({ layers: 2, mediaTypes: "docker" });
    const { to, srcRef, destRef } = setup(image, {}, { desiredLayerCompression: "decompress" });
    const result = await copyBetween(srcRef, destRef, { context: context() });
    const manifest = json(result.manifest.bytes);
    assert.equal(result.manifestChanged, true);
    assert.equal(result.manifestDigest, sha256(result.manifest.bytes));
    image.layers.forEach((layer, i) => {
      assert.equal(manifest.layers[i].digest, layer.diffId);
      assert.equal(manifest.layers[i].size, layer.tar.length);
      assert.equal(manifest.layers[i].mediaType, "application/vnd.docker.image.rootfs.diff.tar");
      assert.deepEqual(to.store.blobs.get(layer.diffId), layer.tar);
    });
    assert.equal(manifest.config.digest, image.config.digest);
  });

  it("tells the destination a decompressed layer's size when the source knows it", async () => {
    const image = randomImage({ layers: 2 });
    const [known, unknown] = image.layers;
    const { to, srcRef, destRef } = setup(
      image,
      { uncompressedSizes: new Map([[known.diffId, known.tar.length]]) },
      { desiredLayerCompression: "decompress" },
    );
    await copyBetween(srcRef, destRef, { context: context() });
    assert.equal(to.stats.putSizes.get(known.diffId), known.tar.length);
    assert.equal(to.stats.putSizes.get(unknown.diffId), -1);
    // A size the source gets wrong fails the copy.
    const wrong = setup(
      image,
      { uncompressedSizes: new Map([[known.diffId, known.tar.length + 1]]) },
      { desiredLayerCompression: "decompress" },
    );
    await assert.rejects(
      copyBetween(wrong.srcRef, wrong.destRef, { context: context() }),
      DigestMismatchError,
    );
  });

  it("copies layers one at a time, in order, into a destination that asks for it", async () => {
    const image = randomImage({ layers: 6, layerSize: 20_000 });
    const free = setup(image);
    await copyBetween(free.srcRef, free.destRef, { context: context() });
    assert.ok(free.to.stats.maxConcurrentPuts > 1);
    const ordered = setup(image, {}, { writesBlobsInOrder: true });
    await copyBetween(ordered.srcRef, ordered.destRef, { context: context() });
    assert.equal(ordered.to.stats.maxConcurrentPuts, 1);
    assert.deepEqual(ordered.to.stats.putBlob, [
      image.config.digest,
      ...image.layers.map((layer) => layer.digest),
    ]);
  });

  it("compresses uncompressed layers for a destination that wants compression", async () => {
    const image = randomImage({ layers: 2, compress: false });
    const { to, srcRef, destRef } = setup(image, {}, { desiredLayerCompression: "compress" });
    const fs = new MemoryFileSystem();
    const result = await copyBetween(srcRef, destRef, { context: { fs, tmpDir: "/spool" } });
    const manifest = json(result.manifest.bytes);
    image.layers.forEach((layer, i) => {
      const written = manifest.layers[i];
      assert.equal(written.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
      assert.notEqual(written.digest, layer.digest);
      const blob = to.store.blobs.get(written.digest)!;
      assert.equal(blob.length, written.size);
      assert.deepEqual(gunzipSync(blob), layer.tar);
    });
    assert.deepEqual(await fs.readDir("/spool"), []);
  });

  it("recompresses to gzip on request and keeps gzip layers as they are", async () => {
    const plain = randomImage({ layers: 1, compress: false });
    const one = setup(plain);
    const result = await copyBetween(one.srcRef, one.destRef, {
      context: context(),
      compressionFormat: "gzip",
    });
    assert.equal(
      json(result.manifest.bytes).layers[0].mediaType,
      "application/vnd.oci.image.layer.v1.tar+gzip",
    );
    const gz = randomImage({ layers: 1 });
    const two = setup(gz);
    const kept = await copyBetween(two.srcRef, two.destRef, {
      context: context(),
      compressionFormat: "gzip",
    });
    assert.equal(kept.manifestDigest, gz.manifest.digest);
  });

  it("converts OCI to Docker schema 2 when forced, keeping layer digests", async () => {
    const image = randomImage({ layers: 2 });
    const { to, srcRef, destRef } = setup(image);
    const result = await copyBetween(srcRef, destRef, {
      context: context(),
      manifestType: "application/vnd.docker.distribution.manifest.v2+json",
    });
    const manifest = json(result.manifest.bytes);
    assert.equal(result.manifest.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    assert.equal(manifest.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    assert.equal(manifest.config.mediaType, "application/vnd.docker.container.image.v1+json");
    assert.deepEqual(
      manifest.layers.map((l: { digest: string }) => l.digest),
      image.layers.map((l) => l.digest),
    );
    for (const layer of manifest.layers) {
      assert.equal(layer.mediaType, "application/vnd.docker.image.rootfs.diff.tar.gzip");
    }
    assert.deepEqual(to.store.top("out")?.bytes, result.manifest.bytes);
  });

  it("converts Docker to OCI when the destination only takes OCI", async () => {
    const image = randomImage({ layers: 1, mediaTypes: "docker" });
    const { srcRef, destRef } = setup(image, {}, {
      supportedManifestTypes: ["application/vnd.oci.image.manifest.v1+json"],
    });
    const result = await copyBetween(srcRef, destRef, { context: context() });
    const manifest = json(result.manifest.bytes);
    assert.equal(manifest.mediaType, "application/vnd.oci.image.manifest.v1+json");
    assert.equal(manifest.config.mediaType, "application/vnd.oci.image.config.v1+json");
    assert.equal(manifest.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
  });

  it("refuses a forced type the destination does not accept", async () => {
    const image = randomImage({ layers: 1 });
    const { to, srcRef, destRef } = setup(image, {}, {
      supportedManifestTypes: ["application/vnd.oci.image.manifest.v1+json"],
    });
    await assert.rejects(
      copyBetween(srcRef, destRef, {
        context: context(),
        manifestType: "application/vnd.docker.distribution.manifest.v2+json",
      }),
      UnsupportedTransportError,
    );
    assert.equal(to.stats.commits, 0);
  });
});

describe("memory transport", () => {
  it("shares a store between transports and rejects an empty name", () => {
    const store = new MemoryStore();
    const a = memoryTransport({ store });
    assert.equal(a.parse("x").toString(), "memory:x");
    assert.throws(() => a.parse(""));
  });
});
