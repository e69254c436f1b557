import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { MemoryFileSystem, NodeFileSystem } from "../../src/fs/mod.ts";
import { OCI_LAYOUT_CONTENT, openStore } from "../../src/store/mod.ts";
import { ociTransport } from "../../src/transports/mod.ts";
import {
  BlobUnknownError,
  CorruptedError,
  DigestMismatchError,
  ImageNotFoundError,
  InvalidDigestError,
} from "../../src/errors.ts";
import { randomImage, sha256 } from "../helpers/random_image.ts";
import { addImage, newImageOf, putImageBlobs, streamOf, tempRoot } from "./_helpers.ts";

const fixedNow = () => new Date("2025-05-05T05:05:05.000Z");

describe("local image store", () => {
  it("creates an empty OCI layout", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s/", fs });
    assert.equal(store.root, "/s");
    assert.deepEqual(await store.images(), []);
    assert.equal(await fs.readTextFile("/s/oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
    const index = JSON.parse(await fs.readTextFile("/s/index.json"));
    assert.equal(index.schemaVersion, 2);
    assert.deepEqual(index.manifests, []);
    assert.deepEqual(await fs.readDir("/s"), ["blobs", "index.json", "oci-layout", "tmp"]);
    assert.deepEqual(await store.check(), []);
  });

  it("commits an image and finds it by ID, name, digest and ID prefix", async () => {
    const store = await openStore({ root: "/s", fs: new MemoryFileSystem(), now: fixedNow });
    const image = randomImage();
    const record = await addImage(store, image, ["docker.io/library/a:1"]);
    const id = image.config.digest.slice(7);
    assert.equal(record.id, id);
    assert.deepEqual(record.names, ["docker.io/library/a:1"]);
    assert.deepEqual(record.namesHistory, ["docker.io/library/a:1"]);
    assert.deepEqual(record.digests, [image.manifest.digest]);
    assert.equal(record.manifestSize, image.manifest.bytes.length);
    assert.equal(record.added, "2025-05-05T05:05:05.000Z");
    assert.equal(record.readOnly, false);
    assert.equal(record.isManifestList, false);
    assert.deepEqual(record.platform, { os: "linux", architecture: "amd64" });
    assert.deepEqual(await store.imageById(id), record);
    assert.deepEqual(await store.imageByName("docker.io/library/a:1"), record);
    assert.deepEqual(await store.imagesByDigest(image.manifest.digest), [record]);
    assert.deepEqual(await store.imagesByIdPrefix(id.slice(0, 5)), [record]);
    assert.deepEqual(await store.imagesByIdPrefix(id), [record]);
    assert.deepEqual(await store.imagesByIdPrefix(""), []);
    assert.equal(await store.imageById("0".repeat(64)), undefined);
    assert.equal(await store.imageByName("docker.io/library/a:2"), undefined);
    assert.deepEqual(await store.imagesByDigest(sha256(new Uint8Array(1))), []);
    // Returned records are copies.
    record.names.push("x");
    (await store.images())[0].names.push("y");
    assert.deepEqual((await store.imageById(id))!.names, ["docker.io/library/a:1"]);
    assert.equal(await store.isCorrupted(record), false);
  });

  it("moves names between images and keeps a names history", async () => {
    const store = await openStore({ root: "/s", fs: new MemoryFileSystem() });
    const [a, b] = [randomImage(), randomImage()];
    const ra = await addImage(store, a, ["n/x:1", "n/y:1"]);
    const rb = await addImage(store, b, ["n/x:1"]);
    assert.deepEqual(rb.names, ["n/x:1"]);
    assert.deepEqual((await store.imageById(ra.id))!.names, ["n/y:1"]);
    assert.deepEqual((await store.imageById(ra.id))!.namesHistory, ["n/y:1", "n/x:1"]);
    assert.equal((await store.imageByName("n/x:1"))!.id, rb.id);

    const moved = await store.changeNames(ra.id, { add: ["n/x:1", "n/z:1"] });
    assert.deepEqual(moved.names, ["n/y:1", "n/x:1", "n/z:1"]);
    // Each added name is pushed to the front in turn (as containers/storage does).
    assert.deepEqual(moved.namesHistory, ["n/z:1", "n/x:1", "n/y:1"]);
    assert.deepEqual((await store.imageById(rb.id))!.names, []);
    assert.deepEqual((await store.imageById(rb.id))!.namesHistory, ["n/x:1"]);

    const removed = await store.changeNames(ra.id, { remove: ["n/y:1", "n/none"] });
    assert.deepEqual(removed.names, ["n/x:1", "n/z:1"]);
    assert.equal(await store.imageByName("n/y:1"), undefined);
    await assert.rejects(store.changeNames("f".repeat(64), { add: ["q"] }), ImageNotFoundError);
    await assert.rejects(store.changeNames(ra.id, { add: [""] }), TypeError);
  });

  it("merges a re-commit of the same ID: digests gathered, added kept, fields updated", async () => {
    let clock = 0;
    const now = () => new Date(Date.UTC(2025, 0, 1 + clock++));
    const store = await openStore({ root: "/s", fs: new MemoryFileSystem(), now });
    const image = randomImage();
    const first = await addImage(store, image, ["r/a:1"]);
    const listDigest = sha256(new TextEncoder().encode("a list"));
    const again = await store.commitImage({
      id: first.id,
      manifestDigest: image.manifest.digest,
      manifestMediaType: image.manifest.mediaType,
      extraDigests: [listDigest],
      names: ["r/a:2"],
    });
    assert.deepEqual(again.digests, [image.manifest.digest, listDigest]);
    assert.deepEqual(again.names, ["r/a:1", "r/a:2"]);
    assert.equal(again.added, first.added);
    assert.deepEqual(again.layers, first.layers);
    assert.equal(again.size, first.size);
    assert.deepEqual((await store.imagesByDigest(listDigest)).map((r) => r.id), [first.id]);
    assert.equal((await store.images()).length, 1);
  });

  it("rejects bad blobs and bad commits, leaving nothing behind", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const image = randomImage();
    const layer = image.layers[0];
    await assert.rejects(
      store.putBlob(layer.digest, layer.size, streamOf(new Uint8Array(layer.size))),
      DigestMismatchError,
    );
    await assert.rejects(
      store.putBlob(layer.digest, layer.size + 1, streamOf(layer.bytes)),
      DigestMismatchError,
    );
    assert.deepEqual(await fs.readDir("/s/tmp"), []);
    assert.deepEqual(await fs.readDir("/s/blobs/sha256"), []);
    assert.equal(await store.hasBlob(layer.digest), false);
    await store.putBlob(layer.digest, -1, streamOf(layer.bytes));
    assert.equal(await store.hasBlob(layer.digest), true);
    assert.equal(await store.hasBlob(layer.digest, layer.size), true);
    assert.equal(await store.hasBlob(layer.digest, layer.size + 1), false);
    assert.deepEqual(await store.readBlobBytes(layer.digest), layer.bytes);
    assert.deepEqual(
      new Uint8Array(await new Response(await store.readBlob(layer.digest)).arrayBuffer()),
      layer.bytes,
    );
    await assert.rejects(store.readBlob(image.config.digest), BlobUnknownError);
    await assert.rejects(store.readBlobBytes(image.config.digest), BlobUnknownError);
    await assert.rejects(store.readBlobBytes("sha256:../../etc/passwd"), InvalidDigestError);
    await assert.rejects(store.putBlob("md5:abc", 1, streamOf(new Uint8Array(1))));
    // The manifest blob must be stored before the record.
    await assert.rejects(store.commitImage(newImageOf(image)), CorruptedError);
    assert.throws(() => store.commitImage({ ...newImageOf(image), id: "xyz" }), TypeError);
    assert.throws(
      () => store.commitImage({ ...newImageOf(image), manifestDigest: "sha256:12" }),
      TypeError,
    );
    assert.deepEqual(await store.images(), []);
    await assert.rejects(store.deleteImage("a".repeat(64)), ImageNotFoundError);
    await assert.rejects(
      store.replaceManifest("a".repeat(64), image.manifest.digest, "x"),
      CorruptedError,
    );
  });

  it("adopts a file as a blob by a rename on its own file system only", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const bytes = new TextEncoder().encode("layer bytes");
    const digest = sha256(bytes);
    await fs.writeFile("/s/tmp/extracted", bytes);
    // Another file system, or another size: the file stays where it is.
    const other = new MemoryFileSystem();
    await other.mkdir("/s/tmp", { recursive: true });
    await other.writeFile("/s/tmp/extracted", bytes);
    assert.equal(
      await store.adoptBlob!(digest, { fs: other, path: "/s/tmp/extracted", size: 11 }),
      false,
    );
    assert.equal(await store.adoptBlob!(digest, { fs, path: "/s/tmp/extracted", size: 12 }), false);
    assert.equal(await store.hasBlob(digest), false);
    assert.equal(await store.adoptBlob!(digest, { fs, path: "/s/tmp/extracted", size: 11 }), true);
    assert.deepEqual(await store.readBlobBytes(digest), bytes);
    assert.deepEqual(await fs.readDir("/s/tmp"), []);
  });

  it("writes records atomically on disk, and another store object sees them", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      // Two NodeFileSystem objects share no in-process state: the second reloads from disk.
      const one = await openStore({ root: path, fs: new NodeFileSystem() });
      const two = await openStore({ root: path, fs: new NodeFileSystem() });
      assert.deepEqual(await two.images(), []);
      const images = [randomImage(), randomImage(), randomImage()];
      for (const [i, image] of images.entries()) await addImage(one, image, [`x/i:${i}`]);
      assert.deepEqual((await two.images()).map((r) => r.names), [["x/i:0"], ["x/i:1"], [
        "x/i:2",
      ]]);
      await two.changeNames((await two.imageByName("x/i:0"))!.id, { add: ["x/i:2"] });
      assert.equal((await one.imageByName("x/i:2"))!.id, images[0].config.digest.slice(7));
      assert.deepEqual((await readdir(path)).sort(), [
        "blobs",
        "images.json",
        "index.json",
        "oci-layout",
        "tmp",
      ]);
      assert.deepEqual(await readdir(`${path}/tmp`), []);
      const file = JSON.parse(await readFile(`${path}/images.json`, "utf8"));
      assert.equal(file.version, 1);
      assert.equal(file.images.length, 3);
      const index = JSON.parse(await readFile(`${path}/index.json`, "utf8"));
      assert.deepEqual(
        index.manifests.map((m: { annotations: Record<string, string> }) =>
          m.annotations["org.opencontainers.image.ref.name"]
        ),
        ["x/i:0", "x/i:2", "x/i:1"],
      );
      assert.deepEqual(await one.check({ verifyBlobs: true }), []);
    } finally {
      await cleanup();
    }
  });

  it("regenerates index.json left behind by a crash between the two renames", async () => {
    const { path, cleanup } = await tempRoot();
    try {
      const store = await openStore({ root: path, fs: new NodeFileSystem() });
      const image = randomImage();
      await addImage(store, image, ["c/one:1"]);
      const oldIndex = await readFile(`${path}/index.json`, "utf8");
      await store.changeNames(image.config.digest.slice(7), { add: ["c/two:1"] });
      const goodIndex = await readFile(`${path}/index.json`, "utf8");
      await writeFile(`${path}/index.json`, oldIndex); // as if killed before the 2nd rename
      const problems = await store.check();
      assert.deepEqual(problems.map((p) => p.kind), ["index-out-of-sync"]);
      await openStore({ root: path, fs: new NodeFileSystem() });
      assert.equal(await readFile(`${path}/index.json`, "utf8"), goodIndex);
      assert.deepEqual(await store.check(), []);
    } finally {
      await cleanup();
    }
  });

  it("reports incomplete, missing, corrupt and malformed records; a commit repairs", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const [a, b] = [randomImage(), randomImage()];
    const ra = await addImage(store, a, ["k/a:1"]);
    const rb = await addImage(store, b, ["k/b:1"]);
    const file = JSON.parse(await fs.readTextFile("/s/images.json"));
    file.images[0].incomplete = true;
    file.images.push({ id: "nope" }, { ...file.images[1] });
    file.generation++;
    await fs.writeFile("/s/images.json", JSON.stringify(file));
    await fs.remove(`/s/blobs/sha256/${b.layers[1].digest.slice(7)}`);
    await fs.writeFile(`/s/blobs/sha256/${b.layers[0].digest.slice(7)}`, "garbage!");
    const other = await openStore({ root: "/s", fs: new MemoryFileSystem() });
    assert.equal((await other.images()).length, 0); // a different fs: a different store
    const problems = await store.check({ verifyBlobs: true });
    assert.deepEqual(problems.map((p) => [p.kind, p.imageId, p.digest]), [
      ["bad-record", "nope", undefined],
      ["bad-record", rb.id, undefined],
      ["incomplete", ra.id, undefined],
      ["corrupt-blob", rb.id, b.layers[0].digest],
      ["missing-blob", rb.id, b.layers[1].digest],
      ["index-out-of-sync", undefined, undefined],
    ]);
    assert.equal(await store.isCorrupted((await store.imageById(ra.id))!), true);
    assert.equal(await store.isCorrupted((await store.imageById(rb.id))!), true);
    // Without verification the corrupt blob goes unnoticed.
    assert.deepEqual((await store.check()).map((p) => p.kind).includes("corrupt-blob"), false);
    // Re-committing repairs: incomplete is cleared, blobs are back.
    await store.commitImage(newImageOf(a));
    await fs.remove(`/s/blobs/sha256/${b.layers[0].digest.slice(7)}`);
    await putImageBlobs(store, b);
    assert.equal(await store.isCorrupted((await store.imageById(ra.id))!), false);
    assert.equal(await store.isCorrupted((await store.imageById(rb.id))!), false);
    assert.deepEqual(await store.check({ verifyBlobs: true }), []);
  });

  it("gc removes unreferenced blobs and stale temporary files only", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const [a, b] = [randomImage(), randomImage()];
    await addImage(store, a, ["g/a:1"]);
    const rb = await addImage(store, b, ["g/b:1"]);
    const loose = randomImage();
    await putImageBlobs(store, loose);
    await fs.writeFile("/s/tmp/999999999-dead", "partial");
    await fs.writeFile("/s/tmp/1-old-but-alive", "partial"); // pid 1 is alive
    await fs.writeFile("/s/images.json.tmp-123", "{");
    const looseDigests = [...loose.blobs.keys(), loose.manifest.digest].sort();
    assert.deepEqual((await store.gc()).sort(), looseDigests);
    assert.deepEqual(await fs.readDir("/s/tmp"), ["1-old-but-alive"]);
    assert.equal((await fs.readDir("/s")).includes("images.json.tmp-123"), false);
    assert.deepEqual(await store.gc({ tmpMaxAgeMs: -1 }), []);
    assert.deepEqual(await fs.readDir("/s/tmp"), []);
    await store.deleteImage(rb.id);
    assert.equal(await store.imageByName("g/b:1"), undefined);
    assert.equal((await store.gc()).length, b.blobs.size + 1);
    assert.deepEqual(await store.check({ verifyBlobs: true }), []);
    assert.equal((await fs.readDir("/s/blobs/sha256")).length, a.blobs.size + 1);
  });

  it("replaces a list's manifest, keeping the old digest as an alias", async () => {
    const store = await openStore({ root: "/s", fs: new MemoryFileSystem() });
    const one = new TextEncoder().encode('{"schemaVersion":2,"manifests":[]}');
    const two = new TextEncoder().encode('{"schemaVersion":2,"manifests":[ ]}');
    for (const bytes of [one, two]) {
      await store.putBlob(sha256(bytes), bytes.length, streamOf(bytes));
    }
    const id = "1".repeat(64);
    const list = await store.commitImage({
      id,
      manifestDigest: sha256(one),
      manifestMediaType: "application/vnd.oci.image.index.v1+json",
      isManifestList: true,
      names: ["l/list:1"],
      size: one.length,
    });
    assert.equal(list.isManifestList, true);
    const edited = await store.replaceManifest(
      id,
      sha256(two),
      "application/vnd.oci.image.index.v1+json",
    );
    assert.deepEqual(edited.digests, [sha256(two), sha256(one)]);
    assert.equal(edited.manifestDigest, sha256(two));
    assert.equal(edited.size, two.length);
    assert.deepEqual(await store.gc(), []);
    assert.equal(await store.isCorrupted(edited), false);
  });

  it("loads a 10,000-image store and answers lookups from its indexes", async () => {
    const fs = new MemoryFileSystem();
    const hex = (text: string) => sha256(new TextEncoder().encode(text)).slice(7);
    const images = Array.from({ length: 10_000 }, (_, i) => ({
      id: hex(`config ${i}`),
      names: [`big/app${i}:latest`],
      namesHistory: [`big/app${i}:latest`],
      digests: [`sha256:${hex(`manifest ${i}`)}`],
      manifestDigest: `sha256:${hex(`manifest ${i}`)}`,
      manifestMediaType: "application/vnd.oci.image.manifest.v1+json",
      manifestSize: 500,
      isManifestList: false,
      diffIds: [`sha256:${hex(`diff ${i}`)}`],
      layers: [i === 7 ? "sha256:not-hex" : `sha256:${hex(`layer ${i}`)}`],
      size: 1000,
      created: "",
      added: "2025-01-01T00:00:00.000Z",
      readOnly: false,
    }));
    await fs.mkdir("/big");
    await fs.writeFile("/big/images.json", JSON.stringify({ version: 1, generation: 3, images }));
    const store = await openStore({ root: "/big", fs });
    assert.equal((await store.images()).length, 10_000);
    assert.equal((await store.imageByName("big/app9999:latest"))!.id, images[9999].id);
    assert.equal((await store.imageById(images[5000].id))!.names[0], "big/app5000:latest");
    assert.equal((await store.imagesByDigest(images[42].digests[0]))[0].id, images[42].id);
    const index = JSON.parse(await fs.readTextFile("/big/index.json"));
    assert.equal(index.manifests.length, 10_000);
    assert.equal(index.manifests[3].digest, images[3].manifestDigest);
    // The malformed layer digest is reported, not fatal.
    const bad = (await store.check()).filter((p) => p.kind === "bad-record");
    assert.deepEqual(bad.map((p) => p.imageId), [images[7].id]);
    assert.equal(await store.isCorrupted((await store.imageById(images[7].id))!), true);
  });
});

describe("the store and the oci: transport", () => {
  it("write the same OCI layout: marker bytes and blob paths", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/store", fs });
    const image = randomImage({ layers: 1 });
    const destination = await ociTransport.parse("/layout:v1").newDestination({ fs });
    const layer = image.layers[0];
    await destination.putBlob(
      { digest: layer.digest, size: layer.size },
      streamOf(image.blobs.get(layer.digest)!),
    );
    await destination.putManifest(image.manifest);
    await destination.commit();
    await destination.close();
    await store.putBlob(
      layer.digest,
      layer.size,
      streamOf(image.blobs.get(layer.digest)!),
    );
    assert.equal(await fs.readTextFile("/store/oci-layout"), OCI_LAYOUT_CONTENT);
    assert.equal(await fs.readTextFile("/layout/oci-layout"), OCI_LAYOUT_CONTENT);
    const [, hex] = layer.digest.split(":");
    assert.deepEqual(
      await fs.readFile(`/store/blobs/sha256/${hex}`),
      await fs.readFile(`/layout/blobs/sha256/${hex}`),
    );
  });
});
