import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { CorruptedError, ImageNotFoundError, InvalidReferenceError } from "../../src/errors.ts";
import { type FileSystem, MemoryFileSystem, NodeFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import {
  containersStorageTransport,
  parseStorageTarget,
} from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage, randomMultiArch } from "../helpers/random_image.ts";

const ID = "0123456789abcdef".repeat(4);
const json = (bytes: Uint8Array) => JSON.parse(new TextDecoder().decode(bytes));

async function setup(fs: FileSystem = new MemoryFileSystem(), root = "/store") {
  const store = await openStore({ root, fs });
  const storage = containersStorageTransport(store);
  const from = memoryTransport({ name: "src" });
  const back = memoryTransport({ name: "back" });
  return { fs, store, storage, from, back, context: { fs } };
}

function hasSkopeo(): boolean {
  return spawnSync("skopeo", ["--version"]).status === 0;
}

function skopeo(...args: string[]): string {
  const result = spawnSync("skopeo", ["--insecure-policy", ...args], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`skopeo ${args.join(" ")}: ${result.stderr}`);
  return result.stdout;
}

describe("containers-storage transport", () => {
  it("parses names as they are (normalized) and IDs", () => {
    assert.deepEqual(parseStorageTarget("alpine"), { name: "docker.io/library/alpine:latest" });
    assert.deepEqual(parseStorageTarget("quay.io/a/b:1"), { name: "quay.io/a/b:1" });
    assert.deepEqual(parseStorageTarget(`x/y@sha256:${ID}`), {
      name: `docker.io/x/y@sha256:${ID}`,
    });
    assert.deepEqual(parseStorageTarget(`@${ID}`), { id: ID });
    assert.deepEqual(parseStorageTarget(`sha256:${ID}`), { id: ID });
    assert.deepEqual(parseStorageTarget(ID), { id: ID });
    // A bracketed IPv6 registry is a name, not a store specification.
    assert.deepEqual(parseStorageTarget("[::1]:5000/app"), { name: "[::1]:5000/app:latest" });
    assert.deepEqual(parseStorageTarget("[fd00::2]/a/b:1"), { name: "[fd00::2]/a/b:1" });
    for (
      const bad of ["", "@abc", "sha256:12", "Upper/Case", "[overlay@/x]alpine", "[vfs]x/y", "a b"]
    ) {
      assert.throws(() => parseStorageTarget(bad), InvalidReferenceError, bad);
    }
    const transport = containersStorageTransport(undefined as never);
    const ref = transport.parse("alpine:3");
    assert.equal(ref.toString(), "containers-storage:docker.io/library/alpine:3");
    assert.equal(ref.dockerReference, "docker.io/library/alpine:3");
    assert.equal(transport.parse(`@${ID}`).toString(), `containers-storage:@${ID}`);
    assert.equal(transport.parse(`@${ID}`).dockerReference, undefined);
  });

  it("round-trips an image through the store byte for byte (memory fs only)", async () => {
    const { store, storage, from, back, context } = await setup();
    const image = randomImage({ layers: 3 });
    from.store.add("img", image);
    const dest = storage.parse("docker.io/library/alpine:latest");
    const result = await copyBetween(from.parse("img"), dest, { context });
    assert.equal(result.manifestDigest, image.manifest.digest);
    const [record] = await store.images();
    assert.equal(record.id, image.config.digest.slice(7));
    assert.deepEqual(record.names, ["docker.io/library/alpine:latest"]);
    assert.deepEqual(record.digests, [image.manifest.digest]);
    assert.deepEqual(record.layers, image.layers.map((l) => l.digest));
    assert.deepEqual(record.diffIds, image.layers.map((l) => l.diffId));
    assert.deepEqual(record.platform, { os: "linux", architecture: "amd64" });
    assert.equal(record.created, "2024-01-01T00:00:00Z");
    // podman's size: layers uncompressed, plus the config and the manifest (twice, as
    // containers/storage keeps it under two keys).
    assert.deepEqual(record.diffSizes, image.layers.map((l) => l.tar.length));
    assert.equal(
      record.size,
      image.config.size + 2 * image.manifest.bytes.length +
        image.layers.reduce((sum, l) => sum + l.tar.length, 0),
    );
    assert.equal(record.manifestMediaType, image.manifest.mediaType);

    for (const name of ["alpine", `@${record.id}`, `sha256:${record.id}`]) {
      await copyBetween(storage.parse(name), back.parse(name), { context });
      assert.deepEqual(back.store.top(name)?.bytes, image.manifest.bytes);
    }
    for (const [digest, bytes] of image.blobs) {
      assert.deepEqual(back.store.blobs.get(digest), bytes);
    }

    // A second copy skips every blob and merges into the same record.
    await copyBetween(from.parse("img"), storage.parse("alpine:3"), { context });
    assert.equal((await store.images()).length, 1);
    assert.deepEqual((await store.images())[0].names, [
      "docker.io/library/alpine:latest",
      "docker.io/library/alpine:3",
    ]);
    assert.deepEqual(await store.check({ verifyBlobs: true }), []);
    await assert.rejects(
      copyBetween(storage.parse("nothere"), back.parse("x"), { context }),
      ImageNotFoundError,
    );
  });

  it("refuses to commit an image whose layer vanished before the lock (a gc beside it)", async () => {
    const { fs, store, storage, from, context } = await setup();
    const image = randomImage({ layers: 4 });
    from.store.add("img", image);
    const gone = image.layers[2].digest;
    // What a gc() in another process does between the blob's write and the commit's lock.
    const withLock = store.withLock.bind(store);
    store.withLock = (fn) =>
      withLock(async () => {
        if (await store.hasBlob(gone)) await fs.remove(`/store/blobs/sha256/${gone.slice(7)}`);
        return await fn();
      });
    await assert.rejects(
      copyBetween(from.parse("img"), storage.parse("app:1"), { context }),
      (error: Error) =>
        error instanceof CorruptedError && error.message.includes(`layer ${gone} vanished`),
    );
    assert.deepEqual(await store.images(), []);
  });

  it("keeps a Docker schema 2 image as it is and moves a name to a newer image", async () => {
    const { store, storage, from, context } = await setup();
    const [old, fresh] = [randomImage({ mediaTypes: "docker" }), randomImage()];
    from.store.add("old", old);
    from.store.add("fresh", fresh);
    await copyBetween(from.parse("old"), storage.parse("app"), { context });
    await copyBetween(from.parse("fresh"), storage.parse("app"), { context });
    const oldRecord = await store.imageById(old.config.digest.slice(7));
    assert.equal(oldRecord!.manifestMediaType, old.manifest.mediaType);
    assert.deepEqual(oldRecord!.names, []);
    assert.deepEqual(oldRecord!.namesHistory, ["docker.io/library/app:latest"]);
    assert.equal(
      (await store.imageByName("docker.io/library/app:latest"))!.id,
      fresh.config.digest.slice(7),
    );
  });

  it("pulls one instance of a list, recording the list's digest first (podman's Digest)", async () => {
    const { store, storage, from, context } = await setup();
    const index = randomMultiArch({ layers: 1 });
    from.store.add("list", index);
    const platform = { os: "linux", architecture: "arm64", variant: "v8" };
    const dest = storage.parse("multi");
    const result = await copyBetween(from.parse("list"), dest, { context, platform });
    const chosen = index.images[1];
    assert.equal(result.manifestDigest, chosen.manifest.digest);
    const records = await store.images();
    assert.equal(records.length, 1);
    assert.deepEqual(records[0].digests, [index.manifest.digest, chosen.manifest.digest]);
    assert.equal(records[0].manifestDigest, chosen.manifest.digest);
    assert.deepEqual(await store.readBlobBytes(index.manifest.digest), index.manifest.bytes);
    assert.deepEqual(records[0].platform, platform);
    assert.deepEqual(
      (await store.imagesByDigest(index.manifest.digest)).map((r) => r.id),
      [records[0].id],
    );
  });

  it("stores a whole list: a named list record and unnamed instances", async () => {
    const { store, storage, from, back, context } = await setup();
    const index = randomMultiArch({ layers: 2 });
    from.store.add("list", index);
    await copyBetween(from.parse("list"), storage.parse("multi:all"), { context, all: true });
    const records = await store.images();
    assert.equal(records.length, 4);
    const list = records.find((r) => r.isManifestList)!;
    assert.deepEqual(list.names, ["docker.io/library/multi:all"]);
    assert.equal(list.manifestDigest, index.manifest.digest);
    assert.equal(list.size, index.manifest.bytes.length);
    assert.match(list.id, /^[0-9a-f]{64}$/);
    for (const image of index.images) {
      const record = await store.imageById(image.config.digest.slice(7));
      assert.deepEqual(record!.names, []);
      assert.deepEqual(record!.digests, [image.manifest.digest, index.manifest.digest]);
    }
    // Copying it again keeps the same list record; copying it out gives the same bytes.
    await copyBetween(from.parse("list"), storage.parse("multi:all"), { context, all: true });
    assert.equal((await store.images()).length, 4);
    assert.equal((await store.imageByName("docker.io/library/multi:all"))!.id, list.id);
    await copyBetween(storage.parse("multi:all"), back.parse("out"), { context, all: true });
    assert.deepEqual(back.store.top("out")?.bytes, index.manifest.bytes);
    for (const image of index.images) {
      assert.deepEqual(
        back.store.manifests.get(image.manifest.digest)?.bytes,
        image.manifest.bytes,
      );
    }
    assert.deepEqual(await store.gc(), []);
    assert.deepEqual(await store.check({ verifyBlobs: true }), []);
  });

  it("is read by skopeo as an OCI layout", { skip: !hasSkopeo() && "no skopeo" }, async () => {
    const root = await mkdtemp(join(tmpdir(), "stevedore-cs-test-"));
    try {
      const { storage, from, context } = await setup(new NodeFileSystem(), root);
      const image = randomImage({ layers: 2 });
      const index = randomMultiArch({ layers: 1 });
      from.store.add("img", image);
      from.store.add("list", index);
      await copyBetween(from.parse("img"), storage.parse("alpine"), { context });
      await copyBetween(from.parse("list"), storage.parse("quay.io/m/list:v1"), {
        context,
        all: true,
      });
      const raw = skopeo("inspect", "--raw", `oci:${root}:docker.io/library/alpine:latest`);
      assert.equal(raw, new TextDecoder().decode(image.manifest.bytes));
      const rawList = skopeo("inspect", "--raw", `oci:${root}:quay.io/m/list:v1`);
      assert.equal(rawList, new TextDecoder().decode(index.manifest.bytes));
      const inspected = JSON.parse(
        skopeo("inspect", `oci:${root}:docker.io/library/alpine:latest`),
      );
      assert.equal(inspected.Digest, image.manifest.digest);
      skopeo("copy", "-q", `oci:${root}:docker.io/library/alpine:latest`, `dir:${root}/copy`);
      assert.deepEqual(json(image.manifest.bytes).layers.length, 2);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
