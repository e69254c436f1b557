import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { MemoryFileSystem, NodeFileSystem } from "../../src/fs/mod.ts";
import {
  InvalidArchiveError,
  InvalidReferenceError,
  ManifestUnknownError,
} from "../../src/errors.ts";
import { listOciLayoutImages, ociTransport } from "../../src/transports/oci/mod.ts";
import { randomImage, readImage, tempDir, writeImage } from "./_helpers.ts";

describe("oci transport", () => {
  it("parses PATH[:REF] at the first colon and checks the ref name", () => {
    const ref = ociTransport.parse("/tmp/layout:v1");
    assert.equal(ref.toString(), "oci:/tmp/layout:v1");
    assert.equal(ref.dockerReference, "docker.io/library/v1:latest");
    assert.equal(ociTransport.parse("/tmp/x").dockerReference, undefined);
    assert.equal(ociTransport.parse("/tmp/CapitalChar").withinTransport, "/tmp/CapitalChar");
    assert.equal(ociTransport.parse("/a:foo/bar:t1").dockerReference, "docker.io/foo/bar:t1");
    for (const bad of ["/a:-bad", "/a:a---b", "/a:a//b", "/a:v1:", ":v1", ""]) {
      assert.throws(() => ociTransport.parse(bad), InvalidReferenceError, bad);
    }
  });

  it("round-trips an image byte for byte (memory fs)", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage();
    await writeImage(await ociTransport.parse("/l:v1").newDestination({ fs }), image);
    const read = await readImage(await ociTransport.parse("/l:v1").newSource({ fs }));
    assert.deepEqual(read.manifest, image.manifest);
    assert.deepEqual(read.blobs.get(image.config.digest), image.config.bytes);
    for (const layer of image.layers) assert.deepEqual(read.blobs.get(layer.digest), layer.bytes);
    // Without REF the only image is chosen.
    const only = await readImage(await ociTransport.parse("/l").newSource({ fs }));
    assert.equal(only.manifest.digest, image.manifest.digest);
  });

  it("moves a ref name to the newest image and errors on ambiguity", async () => {
    const { path, cleanup } = await tempDir();
    try {
      const fs = new NodeFileSystem();
      const [a, b] = [await randomImage(), await randomImage()];
      await writeImage(await ociTransport.parse(`${path}:x`).newDestination({ fs }), a);
      await writeImage(await ociTransport.parse(`${path}:y`).newDestination({ fs }), a);
      await writeImage(await ociTransport.parse(`${path}:x`).newDestination({ fs }), b);
      const images = await listOciLayoutImages(fs, path);
      assert.deepEqual(images.map((i) => [i.refName, i.digest]), [
        [undefined, a.manifest.digest],
        ["y", a.manifest.digest],
        ["x", b.manifest.digest],
      ]);
      const index = JSON.parse(await readFile(`${path}/index.json`, "utf8"));
      assert.equal(index.schemaVersion, 2);
      await assert.rejects(ociTransport.parse(path).newSource({ fs }), InvalidArchiveError);
      await assert.rejects(
        ociTransport.parse(`${path}:nope`).newSource({ fs }),
        ManifestUnknownError,
      );
      // The same bytes the local store writes: one OCI-layout module serves both.
      assert.deepEqual(
        await readFile(`${path}/oci-layout`, "utf8"),
        '{"imageLayoutVersion":"1.0.0"}',
      );
    } finally {
      await cleanup();
    }
  });

  it("rejects a missing layout and a blob that does not match its digest", async () => {
    const fs = new MemoryFileSystem();
    await assert.rejects(ociTransport.parse("/none").newSource({ fs }), InvalidArchiveError);
    const image = await randomImage();
    const dest = await ociTransport.parse("/l").newDestination({ fs });
    const layer = image.layers[0];
    await assert.rejects(
      dest.putBlob(layer, new Blob([new Uint8Array(layer.size)]).stream()),
      (e: Error) => e.name === "DigestMismatchError",
    );
    assert.equal(await dest.hasBlob(layer), false);
    assert.deepEqual(await fs.readDir("/l/blobs/sha256"), []);
  });

  it("refuses a digest that would escape blobs/", async () => {
    const fs = new MemoryFileSystem();
    await fs.mkdir("/l", { recursive: true });
    await fs.writeFile(
      "/l/index.json",
      JSON.stringify({
        schemaVersion: 2,
        manifests: [{ mediaType: "x", digest: "sha256:../../etc/passwd", size: 1 }],
      }),
    );
    await assert.rejects(
      ociTransport.parse("/l").newSource({ fs }),
      (e: Error) => e.name === "InvalidDigestError",
    );
  });
});
