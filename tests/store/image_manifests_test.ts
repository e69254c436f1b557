// An image keeps every manifest it was written with; each name resolves to its own, also
// for records an earlier version wrote (one manifest, no name digests).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { manifestOfName, openStore } from "../../src/store/mod.ts";
import { randomImage, sha256 } from "../helpers/random_image.ts";
import { addImage, newImageOf, streamOf } from "./_helpers.ts";

describe("image manifests", () => {
  it("pins the names of an earlier record before a new manifest becomes current", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    const image = randomImage();
    await addImage(store, image, ["docker.io/library/a:1", "docker.io/library/a:2"]);
    // As the previous version wrote it: no manifests list, no name digests.
    const doc = JSON.parse(await fs.readTextFile("/s/images.json"));
    delete doc.images[0].manifests;
    delete doc.images[0].nameDigests;
    doc.generation += 1;
    await fs.writeFile("/s/images.json", new TextEncoder().encode(JSON.stringify(doc)));
    const store2 = await openStore({ root: "/s", fs });
    const old = (await store2.images())[0];
    assert.equal(manifestOfName(old, "docker.io/library/a:1").digest, image.manifest.digest);

    // The same image with another manifest (annotated), under a third name.
    const other = new TextEncoder().encode(
      JSON.stringify({
        ...JSON.parse(new TextDecoder().decode(image.manifest.bytes)),
        annotations: { x: "y" },
      }),
    );
    const otherDigest = sha256(other);
    await store2.putBlob(otherDigest, other.length, streamOf(other));
    const merged = await store2.commitImage({
      ...newImageOf(image, ["docker.io/library/a:3"]),
      manifestDigest: otherDigest,
    });
    assert.equal(merged.manifestDigest, otherDigest);
    assert.deepEqual(merged.digests, [otherDigest, image.manifest.digest]);
    assert.equal(manifestOfName(merged, "docker.io/library/a:1").digest, image.manifest.digest);
    assert.equal(manifestOfName(merged, "docker.io/library/a:2").digest, image.manifest.digest);
    assert.equal(manifestOfName(merged, "docker.io/library/a:3").digest, otherDigest);

    // Removing a name drops what it resolved to; a moved name resolves to its new owner's.
    const untagged = await store2.changeNames(merged.id, { remove: ["docker.io/library/a:2"] });
    assert.equal(untagged.nameDigests?.["docker.io/library/a:2"], undefined);
    const second = randomImage();
    const moved = await addImage(store2, second, ["docker.io/library/a:1"]);
    assert.equal(manifestOfName(moved, "docker.io/library/a:1").digest, second.manifest.digest);
    const left = (await store2.imageById(merged.id))!;
    assert.deepEqual(left.names, ["docker.io/library/a:3"]);
    assert.deepEqual(Object.keys(left.nameDigests ?? {}), ["docker.io/library/a:3"]);
    assert.deepEqual(await store2.check({ verifyBlobs: true }), []);
  });

  it("drops a record whose later fields are malformed, and reports it", async () => {
    const fs = new MemoryFileSystem();
    const store = await openStore({ root: "/s", fs });
    await addImage(store, randomImage(), ["docker.io/library/a:1"]);
    const doc = JSON.parse(await fs.readTextFile("/s/images.json"));
    doc.images[0].diffSizes = [-1];
    doc.generation += 1;
    await fs.writeFile("/s/images.json", new TextEncoder().encode(JSON.stringify(doc)));
    const again = await openStore({ root: "/s", fs });
    assert.deepEqual(await again.images(), []);
    const problems = await again.check();
    assert.ok(problems.some((p) => p.kind === "bad-record" && /uncompressed/.test(p.message)));
  });
});
