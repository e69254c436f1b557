import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyBetween } from "../../src/copy/mod.ts";
import { ManifestUnknownError, UnsupportedTransportError } from "../../src/errors.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import type { MemoryTransportOptions } from "../helpers/memory_transport.ts";
import { randomMultiArch, sha256 } from "../helpers/random_image.ts";
import type { RandomIndex } from "../helpers/random_image.ts";

const context = () => ({ fs: new MemoryFileSystem(), tmpDir: "/tmp" });
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

function setup(index: RandomIndex, dest: MemoryTransportOptions = {}) {
  const from = memoryTransport({ name: "src" });
  from.store.add("list", index);
  const to = memoryTransport({ name: "dest", ...dest });
  return { from, to, srcRef: from.parse("list"), destRef: to.parse("out") };
}

describe("copyBetween of a multi-arch index", () => {
  const cases = [
    { platform: { os: "linux", architecture: "amd64" }, at: 0 },
    { platform: { os: "linux", architecture: "arm64", variant: "v8" }, at: 1 },
    { platform: { os: "linux", architecture: "arm64" }, at: 1 },
    { platform: { os: "linux", architecture: "arm", variant: "v7" }, at: 2 },
  ];
  for (const { platform, at } of cases) {
    const name = [platform.os, platform.architecture, platform.variant].filter(Boolean).join("/");
    it(`copies only the ${name} instance`, async () => {
      const index = randomMultiArch({ layers: 1 });
      const { to, srcRef, destRef } = setup(index);
      const result = await copyBetween(srcRef, destRef, { context: context(), platform });
      const chosen = index.images[at];
      assert.equal(result.manifestDigest, chosen.manifest.digest);
      assert.deepEqual(to.store.top("out")?.bytes, chosen.manifest.bytes);
      for (const image of index.images) {
        assert.equal(to.store.blobs.has(image.layers[0].digest), image === chosen);
      }
      assert.deepEqual(result.instances, []);
    });
  }

  it("fails when no instance fits the platform", async () => {
    const index = randomMultiArch({ layers: 1 });
    const { to, srcRef, destRef } = setup(index);
    await assert.rejects(
      copyBetween(srcRef, destRef, {
        context: context(),
        platform: { os: "linux", architecture: "s390x" },
      }),
      ManifestUnknownError,
    );
    assert.equal(to.stats.commits, 0);
  });

  it("copies every instance with all, keeping the list digest", async () => {
    for (const mediaTypes of ["oci", "docker"] as const) {
      const index = randomMultiArch({ layers: 2, mediaTypes });
      const { to, srcRef, destRef } = setup(index);
      const result = await copyBetween(srcRef, destRef, { context: context(), all: true });
      assert.equal(result.manifestDigest, index.manifest.digest);
      assert.equal(result.manifestChanged, false);
      assert.deepEqual(to.store.top("out")?.bytes, index.manifest.bytes);
      assert.equal(result.instances.length, 3);
      for (const image of index.images) {
        assert.deepEqual(
          to.store.manifests.get(image.manifest.digest)?.bytes,
          image.manifest.bytes,
        );
      }
      for (const [digest, bytes] of index.blobs) {
        assert.deepEqual(to.store.blobs.get(digest), bytes);
      }
    }
  });

  it("converts the list and every instance to Docker when forced", async () => {
    const index = randomMultiArch({ layers: 1 });
    const { to, srcRef, destRef } = setup(index);
    const result = await copyBetween(srcRef, destRef, {
      context: context(),
      all: true,
      manifestType: "application/vnd.docker.distribution.manifest.v2+json",
    });
    const list = json(result.manifest.bytes);
    assert.equal(list.mediaType, "application/vnd.docker.distribution.manifest.list.v2+json");
    assert.notEqual(result.manifestDigest, index.manifest.digest);
    assert.equal(result.manifestDigest, sha256(result.manifest.bytes));
    assert.equal(list.manifests.length, 3);
    list.manifests.forEach((entry: Record<string, unknown>, i: number) => {
      assert.equal(entry.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
      assert.deepEqual(entry.platform, index.images[i].platform);
      const stored = to.store.manifests.get(entry.digest as string)!;
      assert.equal(stored.bytes.length, entry.size);
      assert.equal(
        json(stored.bytes).config.mediaType,
        "application/vnd.docker.container.image.v1+json",
      );
    });
  });

  it("rewrites the list when instances change (decompressed layers)", async () => {
    const index = randomMultiArch({ layers: 1 });
    const { srcRef, destRef } = setup(index, { desiredLayerCompression: "decompress" });
    const result = await copyBetween(srcRef, destRef, { context: context(), all: true });
    assert.equal(result.manifestChanged, true);
    const list = json(result.manifest.bytes);
    assert.equal(list.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.deepEqual(
      list.manifests.map((m: { digest: string }) => m.digest),
      result.instances.map((i) => i.manifest.digest),
    );
  });

  it("refuses all for a destination without lists", async () => {
    const index = randomMultiArch({ layers: 1 });
    const { to, srcRef, destRef } = setup(index, { supportsManifestLists: false });
    await assert.rejects(
      copyBetween(srcRef, destRef, { context: context(), all: true }),
      UnsupportedTransportError,
    );
    assert.equal(to.stats.putBlob.length, 0);
  });

  it("rejects an instance manifest that does not match the list", async () => {
    const index = randomMultiArch({ layers: 1 });
    const { from, to, srcRef, destRef } = setup(index);
    const first = index.images[0].manifest;
    const tampered = first.bytes.slice();
    tampered[tampered.length - 2] = 0x20;
    from.store.manifests.set(first.digest, { ...first, bytes: tampered });
    await assert.rejects(
      copyBetween(srcRef, destRef, { context: context(), all: true }),
      (error) => (error as Error).name === "DigestMismatchError",
    );
    assert.equal(to.stats.commits, 0);
  });
});
