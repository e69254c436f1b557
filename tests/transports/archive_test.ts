import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import {
  DigestMismatchError,
  InvalidArchiveError,
  InvalidReferenceError,
  ManifestUnknownError,
} from "../../src/errors.ts";
import { listOciArchiveImages, ociArchiveTransport } from "../../src/transports/oci_archive/mod.ts";
import {
  dockerArchiveTransport,
  DockerArchiveWriter,
  dockerArchiveWriterReference,
  listDockerArchiveImages,
} from "../../src/transports/docker_archive/mod.ts";
import { readTar, writeTarAtomic } from "../../src/transports/_tar/mod.ts";
import { randomImage, readImage, sha256, streamOf, writeImage } from "./_helpers.ts";

describe("oci-archive transport", () => {
  it("round-trips an image and lists its name", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage();
    const dest = await ociArchiveTransport.parse("/a.tar:v1").newDestination({ fs, tmpDir: "/t" });
    await writeImage(dest, image);
    // Streamed into the archive: nothing was staged under the temporary folder.
    assert.deepEqual(await fs.readDir("/"), ["a.tar"]);
    const read = await readImage(
      await ociArchiveTransport.parse("/a.tar").newSource({ fs, tmpDir: "/t" }),
    );
    assert.deepEqual(read.manifest, image.manifest);
    for (const layer of image.layers) assert.deepEqual(read.blobs.get(layer.digest), layer.bytes);
    assert.deepEqual(await fs.readDir("/t"), []);
    const listed = await listOciArchiveImages(fs, "/a.tar");
    assert.deepEqual(listed.map((i) => i.refName), ["v1"]);
    await assert.rejects(
      ociArchiveTransport.parse("/a.tar:v2").newSource({ fs, tmpDir: "/t" }),
      ManifestUnknownError,
    );
    assert.deepEqual(await fs.readDir("/t"), []);
  });

  it("writes nothing when closed without commit", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage();
    const dest = await ociArchiveTransport.parse("/a.tar").newDestination({ fs });
    await dest.putBlob(image.config, streamOf(image.config.bytes));
    await dest.putManifest(image.manifest);
    await dest.close();
    assert.deepEqual(await fs.readDir("/"), []);
  });

  it("reads a buildkit hybrid archive as OCI, by containerd name", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage();
    const enc = new TextEncoder();
    const blob = (b: { digest: string; bytes: Uint8Array }) => ({
      path: `blobs/sha256/${b.digest.slice(7)}`,
      kind: "file" as const,
      body: b.bytes,
    });
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{
        mediaType: image.manifest.mediaType,
        digest: image.manifest.digest,
        size: image.manifest.bytes.length,
        annotations: {
          "io.containerd.image.name": "docker.io/library/app:1",
          "org.opencontainers.image.ref.name": "1",
        },
      }],
    };
    await writeTarAtomic(fs, "/h.tar", [
      { path: "blobs", kind: "directory" },
      blob(image.config),
      ...image.layers.map(blob),
      blob({ digest: image.manifest.digest, bytes: image.manifest.bytes }),
      { path: "index.json", kind: "file", body: enc.encode(JSON.stringify(index)) },
      {
        path: "manifest.json",
        kind: "file",
        body: enc.encode(JSON.stringify([{
          Config: `blobs/sha256/${image.config.digest.slice(7)}`,
          RepoTags: ["app:1"],
          Layers: image.layers.map((l) => `blobs/sha256/${l.digest.slice(7)}`),
        }])),
      },
      { path: "oci-layout", kind: "file", body: enc.encode('{"imageLayoutVersion":"1.0.0"}') },
    ]);
    const listed = await listOciArchiveImages(fs, "/h.tar");
    assert.equal(listed[0].containerdName, "docker.io/library/app:1");
    for (const name of ["1", "docker.io/library/app:1", ""]) {
      const ref = ociArchiveTransport.parse(`/h.tar${name ? ":" + name : ""}`);
      const read = await readImage(await ref.newSource({ fs, tmpDir: "/t" }));
      assert.deepEqual(read.manifest.bytes, image.manifest.bytes);
    }
  });
});

describe("docker-archive transport", () => {
  it("parses PATH[:NAME|:@INDEX]", () => {
    const ref = dockerArchiveTransport.parse("/a.tar:foo/bar");
    assert.equal(ref.toString(), "docker-archive:/a.tar:docker.io/foo/bar:latest");
    assert.equal(ref.dockerReference, "docker.io/foo/bar:latest");
    assert.equal(dockerArchiveTransport.parse("/a.tar:@2").toString(), "docker-archive:/a.tar:@2");
    for (
      const bad of [
        "",
        ":x",
        "/a.tar:@-1",
        "/a.tar:@x",
        "/a.tar:Bad",
        "/a.tar:a@sha256:" + "0".repeat(64),
      ]
    ) {
      assert.throws(() => dockerArchiveTransport.parse(bad), InvalidReferenceError, bad);
    }
  });

  it("round-trips one image with a synthesized schema 2 manifest", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage({ format: "docker" });
    await writeImage(
      await dockerArchiveTransport.parse("/d.tar:app:1").newDestination({ fs }),
      image,
    );
    assert.deepEqual(await fs.readDir("/"), ["d.tar"]);
    const read = await readImage(
      await dockerArchiveTransport.parse("/d.tar").newSource({ fs, tmpDir: "/t" }),
    );
    const doc = JSON.parse(new TextDecoder().decode(read.manifest.bytes));
    assert.equal(doc.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    assert.deepEqual(doc.layers.map((l: { digest: string }) => l.digest), image.diffIds);
    assert.deepEqual(
      doc.layers.map((l: { mediaType: string }) => l.mediaType),
      image.layers.map(() => "application/vnd.docker.image.rootfs.diff.tar.gzip"),
    );
    assert.equal(doc.config.digest, image.config.digest);
    for (const layer of image.layers) assert.deepEqual(read.blobs.get(layer.digest), layer.bytes);
    assert.deepEqual(await listDockerArchiveImages(fs, "/d.tar"), [
      { repoTags: ["docker.io/library/app:1"], index: 0 },
    ]);
    assert.equal(read.manifest.digest, sha256(read.manifest.bytes));
  });

  it("writes several images into one archive and selects them", async () => {
    const fs = new MemoryFileSystem();
    const [a, b] = [
      await randomImage({ format: "docker" }),
      await randomImage({ format: "docker" }),
    ];
    const writer = new DockerArchiveWriter(fs, "/m.tar");
    await writeImage(
      await dockerArchiveWriterReference(writer, ["a:1", "a:2"]).newDestination({ fs }),
      a,
    );
    await writeImage(
      await dockerArchiveWriterReference(writer, ["quay.io/b/b"]).newDestination({ fs }),
      b,
    );
    assert.equal((await fs.readDir("/")).includes("m.tar"), false);
    await writer.commit();
    assert.deepEqual(await fs.readDir("/"), ["m.tar"]);
    assert.deepEqual(await listDockerArchiveImages(fs, "/m.tar"), [
      { repoTags: ["docker.io/library/a:1", "docker.io/library/a:2"], index: 0 },
      { repoTags: ["quay.io/b/b:latest"], index: 1 },
    ]);
    await assert.rejects(
      dockerArchiveTransport.parse("/m.tar").newSource({ fs, tmpDir: "/t" }),
      (e: unknown) => e instanceof InvalidArchiveError && e.reason === "Format",
    );
    const byTag = await readImage(
      await dockerArchiveTransport.parse("/m.tar:a:2").newSource({ fs, tmpDir: "/t" }),
    );
    assert.ok(byTag.blobs.has(a.config.digest));
    const byIndex = await readImage(
      await dockerArchiveTransport.parse("/m.tar:@1").newSource({ fs, tmpDir: "/t" }),
    );
    assert.ok(byIndex.blobs.has(b.config.digest));
    await assert.rejects(
      dockerArchiveTransport.parse("/m.tar:@2").newSource({ fs, tmpDir: "/t" }),
      ManifestUnknownError,
    );
    await assert.rejects(
      dockerArchiveTransport.parse("/m.tar:c").newSource({ fs, tmpDir: "/t" }),
      ManifestUnknownError,
    );
    assert.deepEqual(await fs.readDir("/t"), []);
  });

  it("leaves no archive when closed without commit", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage({ format: "docker" });
    const dest = await dockerArchiveTransport.parse("/d.tar").newDestination({ fs });
    await dest.putBlob(image.config, streamOf(image.config.bytes));
    await dest.close();
    assert.deepEqual(await fs.readDir("/"), []);
  });

  it("stages a blob of unknown size, then writes it into the archive in order", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage({ format: "docker", count: 3 });
    const writer = new DockerArchiveWriter(fs, "/out/u.tar", { tmpDir: "/tmp" });
    await fs.mkdir("/out", { recursive: true });
    await fs.mkdir("/tmp", { recursive: true });
    const dest = await dockerArchiveWriterReference(writer, ["u:1"]).newDestination({ fs });
    await dest.putBlob(image.config, streamOf(image.config.bytes));
    for (const [i, layer] of image.layers.entries()) {
      // The middle layer's size is not known: it is staged to learn it.
      await dest.putBlob({ ...layer, size: i === 1 ? -1 : layer.size }, streamOf(layer.bytes));
    }
    await dest.putManifest(image.manifest);
    await dest.commit();
    await writer.commit();
    assert.deepEqual(await fs.readDir("/out"), ["u.tar"]);
    assert.deepEqual(await fs.readDir("/tmp"), []);
    const entries: string[] = [];
    for await (const entry of readTar(await fs.openRead("/out/u.tar"), { what: "u.tar" })) {
      entries.push(entry.path);
    }
    assert.deepEqual(entries.slice(0, 4), [
      `${image.config.digest.slice(7)}.json`,
      ...image.diffIds.map((id) => `${id.slice(7)}.tar`),
    ]);
    const read = await readImage(
      await dockerArchiveTransport.parse("/out/u.tar").newSource({ fs, tmpDir: "/tmp" }),
    );
    for (const layer of image.layers) assert.deepEqual(read.blobs.get(layer.digest), layer.bytes);
  });

  it("a blob that fails its digest fails the archive, which leaves nothing", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage({ format: "docker", count: 2 });
    const writer = new DockerArchiveWriter(fs, "/bad.tar", { tmpDir: "/" });
    await writer.putBlob(image.config, streamOf(image.config.bytes));
    const [first, second] = image.layers;
    await assert.rejects(
      writer.putBlob(first, streamOf(second.bytes.subarray(0, first.size))),
      DigestMismatchError,
    );
    // The archive is broken half-way through an entry: nothing more goes in.
    await assert.rejects(writer.putBlob(second, streamOf(second.bytes)), /an earlier write failed/);
    assert.equal(writer.hasBlob(second), false);
    await assert.rejects(writer.commit(), DigestMismatchError);
    await writer.close();
    assert.deepEqual(await fs.readDir("/"), []);
  });

  it("reads a legacy archive (repositories + <id>/layer.tar)", async () => {
    const fs = new MemoryFileSystem();
    const image = await randomImage({ format: "docker" });
    const enc = new TextEncoder();
    const [id0, id1] = ["1".repeat(64), "2".repeat(64)];
    await writeTarAtomic(fs, "/old.tar", [
      { path: `${id0}/layer.tar`, kind: "file", body: image.layers[0].bytes },
      { path: `${id0}/json`, kind: "file", body: enc.encode(JSON.stringify({ id: id0 })) },
      { path: `${id1}/layer.tar`, kind: "file", body: image.layers[1].bytes },
      {
        path: `${id1}/json`,
        kind: "file",
        body: enc.encode(
          JSON.stringify({ id: id1, parent: id0, os: "linux", architecture: "amd64" }),
        ),
      },
      {
        path: "repositories",
        kind: "file",
        body: enc.encode(JSON.stringify({ old: { v1: id1 } })),
      },
    ]);
    assert.deepEqual(await listDockerArchiveImages(fs, "/old.tar"), [{
      repoTags: ["old:v1"],
      index: 0,
    }]);
    const read = await readImage(
      await dockerArchiveTransport.parse("/old.tar:old:v1").newSource({ fs, tmpDir: "/t" }),
    );
    const doc = JSON.parse(new TextDecoder().decode(read.manifest.bytes));
    assert.deepEqual(doc.layers.map((l: { digest: string }) => l.digest), image.diffIds);
    const config = JSON.parse(new TextDecoder().decode(read.blobs.get(doc.config.digest)));
    assert.deepEqual(config.rootfs.diff_ids, image.diffIds);
    assert.equal(config.id, undefined);
  });

  it("rejects an archive that is neither format", async () => {
    const fs = new MemoryFileSystem();
    await writeTarAtomic(fs, "/x.tar", [{ path: "hello", kind: "file", body: new Uint8Array(1) }]);
    await assert.rejects(
      listDockerArchiveImages(fs, "/x.tar"),
      (e: unknown) => e instanceof InvalidArchiveError && e.reason === "Missing",
    );
    await assert.rejects(
      listOciArchiveImages(fs, "/x.tar"),
      (e: unknown) => e instanceof InvalidArchiveError && e.reason === "Missing",
    );
  });
});
