import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "fflate";
import { copyBetween } from "../../src/copy/mod.ts";
import { InvalidReferenceError, ManifestUnknownError } from "../../src/errors.ts";
import { MemoryFileSystem, NodeFileSystem } from "../../src/fs/mod.ts";
import { createDockerTransport, dockerTransport } from "../../src/transports/docker/mod.ts";
import { parseImageReference } from "../../src/transports/transport_table.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage, randomMultiArch } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

const DIGEST = "sha256:" + "ab".repeat(32);

describe("docker:// references", () => {
  it("normalizes names and adds the latest tag", () => {
    const cases: [string, string][] = [
      ["//fedora", "docker.io/library/fedora:latest"],
      ["//fedora:39", "docker.io/library/fedora:39"],
      ["//quay.io/podman/stable", "quay.io/podman/stable:latest"],
      ["//localhost:5000/a/b", "localhost:5000/a/b:latest"],
      [`//alpine@${DIGEST}`, `docker.io/library/alpine@${DIGEST}`],
    ];
    for (const [input, full] of cases) {
      const ref = dockerTransport.parse(input);
      assert.equal(ref.dockerReference, full);
      assert.equal(ref.withinTransport, `//${full}`);
      assert.equal(ref.toString(), `docker://${full}`);
      assert.equal(dockerTransport.parse(ref.withinTransport).toString(), ref.toString());
    }
    const ref = dockerTransport.parse("//localhost:5000/team/app:v2");
    assert.equal(ref.registry, "localhost:5000");
    assert.equal(ref.repository, "team/app");
    assert.equal(ref.tagOrDigest, "v2");
    assert.equal(dockerTransport.parse(`//a@${DIGEST}`).tagOrDigest, DIGEST);
  });

  it("is in the prefix table, only with //", () => {
    assert.equal(
      parseImageReference("docker://fedora")?.toString(),
      "docker://docker.io/library/fedora:latest",
    );
    assert.equal(parseImageReference("docker:latest"), undefined);
  });

  it("rejects bad names with InvalidReferenceError", () => {
    for (const input of ["fedora", "//", "//Fedora", `//a:b@${DIGEST}`, "//a:b:c", "//-a"]) {
      assert.throws(() => dockerTransport.parse(input), InvalidReferenceError, input);
    }
  });
});

/** A fetch that records `METHOD path?query` of each request. */
function recordingFetch(log: string[]): typeof fetch {
  return ((input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    log.push(`${request.method} ${url.pathname}${url.search}`);
    return fetch(input, init);
  }) as typeof fetch;
}

describe("docker:// against the real registry", () => {
  let server: RegistryServer;
  let work: string;
  before(async () => {
    server = await startRegistry();
    work = await mkdtemp(join(tmpdir(), "stevedore-docker-test-"));
  });
  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });
  const context = (log: string[] = []) => ({
    fs: new MemoryFileSystem(),
    tlsVerify: false,
    fetch: recordingFetch(log),
    tmpDir: "/tmp",
  });

  it("pushes an image and pulls it back byte for byte", async () => {
    for (const mediaTypes of ["oci", "docker"] as const) {
      const image = randomImage({ layers: 3, layerSize: 70_000, mediaTypes });
      const mem = memoryTransport();
      mem.store.add("img", image);
      const target = `docker://${server.registry}/test/${mediaTypes}:v1`;
      const pushed = await copyBetween(mem.parse("img"), target, { context: context() });
      assert.equal(pushed.manifestDigest, image.manifest.digest);

      const back = memoryTransport();
      const pulled = await copyBetween(target, back.parse("copy"), { context: context() });
      assert.equal(pulled.manifestDigest, image.manifest.digest);
      assert.deepEqual(back.store.top("copy")?.bytes, image.manifest.bytes);
      assert.equal(back.store.top("copy")?.mediaType, image.manifest.mediaType);
      for (const [digest, bytes] of image.blobs) {
        assert.deepEqual(back.store.blobs.get(digest), bytes);
      }

      const byDigest = `docker://${server.registry}/test/${mediaTypes}@${image.manifest.digest}`;
      const again = await copyBetween(byDigest, memoryTransport().parse("x"), {
        context: context(),
      });
      assert.equal(again.manifestDigest, image.manifest.digest);
    }
  });

  it("skips blobs the repository already has", async () => {
    const image = randomImage({ layers: 2 });
    const mem = memoryTransport();
    mem.store.add("img", image);
    const target = `docker://${server.registry}/test/twice:v1`;
    await copyBetween(mem.parse("img"), target, { context: context() });
    const log: string[] = [];
    await copyBetween(mem.parse("img"), `docker://${server.registry}/test/twice:v2`, {
      context: context(log),
    });
    assert.equal(log.filter((l) => l.startsWith("POST") || l.startsWith("PATCH")).length, 0);
    assert.equal(log.filter((l) => l.startsWith("HEAD") && l.includes("/blobs/")).length, 3);
  });

  it("mounts blobs across repositories instead of uploading them", async () => {
    const image = randomImage({ layers: 2 });
    const mem = memoryTransport();
    mem.store.add("img", image);
    const transport = createDockerTransport();
    const base = transport.parse(`//${server.registry}/team/base:v1`);
    await copyBetween(mem.parse("img"), base, { context: context() });

    // Copying between repositories: the source records where blobs live.
    const log: string[] = [];
    const app = transport.parse(`//${server.registry}/team/app:v1`);
    const result = await copyBetween(base, app, { context: context(log) });
    assert.equal(result.manifestDigest, image.manifest.digest);
    const mounts = log.filter((l) => l.startsWith("POST") && l.includes("mount="));
    assert.equal(mounts.length, 3);
    assert.ok(mounts.every((l) => l.includes("from=team%2Fbase")));
    assert.equal(log.filter((l) => l.startsWith("PUT") && l.includes("/blobs/")).length, 0);

    // A hint list works without any record.
    const hinted = createDockerTransport({ mountFrom: ["team/base"] });
    const log2: string[] = [];
    await copyBetween(mem.parse("img"), hinted.parse(`//${server.registry}/team/other:v1`), {
      context: context(log2),
    });
    assert.equal(log2.filter((l) => l.startsWith("POST") && l.includes("mount=")).length, 3);
    assert.equal(log2.filter((l) => l.startsWith("PUT") && l.includes("/blobs/")).length, 0);
    const back = memoryTransport();
    await copyBetween(`docker://${server.registry}/team/other:v1`, back.parse("o"), {
      context: context(),
    });
    assert.deepEqual(back.store.top("o")?.bytes, image.manifest.bytes);
  });

  it("pushes every instance of a list, keeping its digest, and pulls one platform", async () => {
    const index = randomMultiArch({ layers: 1 });
    const mem = memoryTransport();
    mem.store.add("list", index);
    const target = `docker://${server.registry}/test/multi:v1`;
    const pushed = await copyBetween(mem.parse("list"), target, { context: context(), all: true });
    assert.equal(pushed.manifestDigest, index.manifest.digest);

    const all = memoryTransport();
    await copyBetween(target, all.parse("l"), { context: context(), all: true });
    assert.deepEqual(all.store.top("l")?.bytes, index.manifest.bytes);
    for (const image of index.images) {
      assert.deepEqual(all.store.manifests.get(image.manifest.digest)?.bytes, image.manifest.bytes);
    }
    const arm = memoryTransport();
    const one = await copyBetween(target, arm.parse("a"), {
      context: context(),
      platform: { os: "linux", architecture: "arm", variant: "v7" },
    });
    assert.equal(one.manifestDigest, index.images[2].manifest.digest);
    assert.equal(arm.store.blobs.has(index.images[0].layers[0].digest), false);
  });

  it("compresses uncompressed layers on push", async () => {
    const image = randomImage({ layers: 1, compress: false });
    const mem = memoryTransport();
    mem.store.add("img", image);
    const target = `docker://${server.registry}/test/plain:v1`;
    const pushed = await copyBetween(mem.parse("img"), target, { context: context() });
    assert.notEqual(pushed.manifestDigest, image.manifest.digest);
    const back = memoryTransport();
    await copyBetween(target, back.parse("b"), { context: context() });
    const manifest = JSON.parse(new TextDecoder().decode(back.store.top("b")!.bytes));
    assert.equal(manifest.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
    assert.deepEqual(
      gunzipSync(back.store.blobs.get(manifest.layers[0].digest)!),
      image.layers[0].tar,
    );
  });

  it("fails on a missing tag and leaves the tag alone when a push is aborted", async () => {
    await assert.rejects(
      copyBetween(`docker://${server.registry}/test/none:v1`, memoryTransport().parse("x"), {
        context: context(),
      }),
      ManifestUnknownError,
    );
    const image = randomImage({ layers: 1 });
    const mem = memoryTransport();
    mem.store.add("img", image);
    const controller = new AbortController();
    await assert.rejects(
      copyBetween(mem.parse("img"), `docker://${server.registry}/test/aborted:v1`, {
        context: context(),
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === "blob-done") controller.abort(new Error("enough"));
        },
      }),
    );
    await assert.rejects(
      copyBetween(`docker://${server.registry}/test/aborted:v1`, memoryTransport().parse("x"), {
        context: context(),
      }),
      ManifestUnknownError,
    );
  });

  it("copies from a registry into an OCI layout and a docker-archive", async () => {
    const image = randomImage({ layers: 2, mediaTypes: "docker" });
    const mem = memoryTransport();
    mem.store.add("img", image);
    const source = `docker://${server.registry}/test/export:v1`;
    await copyBetween(mem.parse("img"), source, { context: context() });
    const fs = new NodeFileSystem();
    const nodeContext = { ...context(), fs, tmpDir: work };

    const layout = `oci:${join(work, "layout")}:v1`;
    const toOci = await copyBetween(source, layout, { context: nodeContext });
    const back = memoryTransport();
    await copyBetween(layout, back.parse("o"), { context: nodeContext });
    assert.deepEqual(back.store.top("o")?.bytes, toOci.manifest.bytes);
    for (const layer of image.layers) {
      assert.deepEqual(back.store.blobs.get(layer.digest), layer.bytes);
    }

    const archive = `docker-archive:${join(work, "image.tar")}:test/export:v1`;
    const toArchive = await copyBetween(source, archive, { context: nodeContext });
    const manifest = JSON.parse(new TextDecoder().decode(toArchive.manifest.bytes));
    assert.deepEqual(
      manifest.layers.map((l: { digest: string }) => l.digest),
      image.layers.map((l) => l.diffId),
    );
  });
});
