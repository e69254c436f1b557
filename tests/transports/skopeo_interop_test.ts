// Interoperability with skopeo (the reference implementation): what we write skopeo reads,
// what skopeo writes we read, manifests byte-identical where nothing was converted.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { ociTransport } from "../../src/transports/oci/mod.ts";
import { ociArchiveTransport } from "../../src/transports/oci_archive/mod.ts";
import { dockerArchiveTransport } from "../../src/transports/docker_archive/mod.ts";
import { dirTransport } from "../../src/transports/dir/mod.ts";
import { hasSkopeo, randomImage, readImage, skopeo, tempDir, writeImage } from "./_helpers.ts";

const fs = new NodeFileSystem();

describe("skopeo interop", { skip: !hasSkopeo() && "skopeo is not installed" }, () => {
  it("oci: skopeo reads ours byte for byte, and copies to every path transport we read", async () => {
    const { path, cleanup } = await tempDir();
    try {
      const image = await randomImage();
      await writeImage(await ociTransport.parse(`${path}/oci:v1`).newDestination({ fs }), image);
      const raw = skopeo("inspect", "--raw", `oci:${path}/oci:v1`);
      assert.equal(raw, new TextDecoder().decode(image.manifest.bytes));

      skopeo("copy", "-q", `oci:${path}/oci:v1`, `oci-archive:${path}/a.tar:v1`);
      skopeo("copy", "-q", `oci:${path}/oci:v1`, `dir:${path}/dir`);
      skopeo("copy", "-q", `oci:${path}/oci:v1`, `docker-archive:${path}/d.tar:app:v1`);
      skopeo("copy", "-q", `oci:${path}/oci:v1`, `oci:${path}/oci2:other`);

      for (const ref of [`${path}/a.tar:v1`, `${path}/a.tar`]) {
        const read = await readImage(
          await ociArchiveTransport.parse(ref).newSource({ fs, tmpDir: path }),
        );
        assert.deepEqual(read.manifest.bytes, image.manifest.bytes);
      }
      const fromDir = await readImage(await dirTransport.parse(`${path}/dir`).newSource({ fs }));
      assert.deepEqual(fromDir.manifest.bytes, image.manifest.bytes);
      const fromOci = await readImage(
        await ociTransport.parse(`${path}/oci2:other`).newSource({ fs }),
      );
      assert.deepEqual(fromOci.manifest.bytes, image.manifest.bytes);

      const archiveSource = await dockerArchiveTransport.parse(`${path}/d.tar:app:v1`).newSource({
        fs,
        tmpDir: path,
      });
      const fromArchive = await readImage(archiveSource);
      const skopeoView = skopeo("inspect", "--raw", `docker-archive:${path}/d.tar`);
      assert.equal(new TextDecoder().decode(fromArchive.manifest.bytes), skopeoView);
      const doc = JSON.parse(skopeoView);
      for (const layer of doc.layers) {
        assert.equal(fromArchive.blobs.get(layer.digest)?.length, layer.size);
      }
    } finally {
      await cleanup();
    }
  });

  it("oci-archive, dir and docker-archive: skopeo reads what we write", async () => {
    const { path, cleanup } = await tempDir();
    try {
      const image = await randomImage();
      await writeImage(
        await ociArchiveTransport.parse(`${path}/a.tar:v1`).newDestination({ fs }),
        image,
      );
      assert.equal(
        skopeo("inspect", "--raw", `oci-archive:${path}/a.tar:v1`),
        new TextDecoder().decode(image.manifest.bytes),
      );
      await writeImage(await dirTransport.parse(`${path}/dir`).newDestination({ fs }), image);
      assert.equal(
        skopeo("inspect", "--raw", `dir:${path}/dir`),
        new TextDecoder().decode(image.manifest.bytes),
      );
      skopeo("copy", "-q", `dir:${path}/dir`, `oci:${path}/back:x`);
      assert.equal(
        skopeo("inspect", "--raw", `oci:${path}/back:x`),
        new TextDecoder().decode(image.manifest.bytes),
      );

      const docker = await randomImage({ format: "docker" });
      await writeImage(
        await dockerArchiveTransport.parse(`${path}/d.tar:app:1`).newDestination({ fs }),
        docker,
      );
      const raw = JSON.parse(skopeo("inspect", "--raw", `docker-archive:${path}/d.tar:app:1`));
      assert.deepEqual(raw.layers.map((l: { digest: string }) => l.digest), docker.diffIds);
      assert.equal(raw.config.digest, docker.config.digest);
      skopeo("copy", "-q", `docker-archive:${path}/d.tar`, `oci:${path}/fromdocker:z`);
      const index = JSON.parse(await readFile(`${path}/fromdocker/index.json`, "utf8"));
      assert.equal(index.manifests.length, 1);
    } finally {
      await cleanup();
    }
  });

  it("multi-image docker-archive written by skopeo is listed and selectable", async () => {
    const { path, cleanup } = await tempDir();
    try {
      const image = await randomImage();
      await writeImage(await ociTransport.parse(`${path}/oci:v1`).newDestination({ fs }), image);
      // skopeo writes one image per archive; build a 2-image archive with our writer from
      // skopeo's output and check that skopeo selects both.
      skopeo("copy", "-q", `oci:${path}/oci:v1`, `docker-archive:${path}/one.tar:one:1`);
      const { DockerArchiveWriter, dockerArchiveWriterReference } = await import(
        "../../src/transports/docker_archive/mod.ts"
      );
      const writer = new DockerArchiveWriter(fs, `${path}/two.tar`);
      for (const tag of ["one:1", "two:2"]) {
        const source = await dockerArchiveTransport.parse(`${path}/one.tar`).newSource({
          fs,
          tmpDir: path,
        });
        const dest = await dockerArchiveWriterReference(writer, [tag]).newDestination({ fs });
        const manifest = await source.getManifest();
        const doc = JSON.parse(new TextDecoder().decode(manifest.bytes));
        for (const d of [doc.config, ...doc.layers]) await dest.putBlob(d, await source.getBlob(d));
        await dest.putManifest(manifest);
        await dest.commit();
        await source.close();
      }
      await writer.commit();
      const a = JSON.parse(skopeo("inspect", "--raw", `docker-archive:${path}/two.tar:two:2`));
      const b = JSON.parse(skopeo("inspect", "--raw", `docker-archive:${path}/two.tar:@0`));
      assert.equal(a.config.digest, b.config.digest);
      // Same config and layers: one manifest.json item with both tags.
      const listed = await (await import("../../src/transports/docker_archive/mod.ts"))
        .listDockerArchiveImages(fs, `${path}/two.tar`);
      assert.deepEqual(listed, [{
        repoTags: ["docker.io/library/one:1", "docker.io/library/two:2"],
        index: 0,
      }]);
    } finally {
      await cleanup();
    }
  });
});
