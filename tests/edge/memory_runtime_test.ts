// The in-memory runtime: pulls a multi-layer image from the real registry into memory,
// reads files from its layers (changes, whiteouts, opaque folders and links honoured) and
// serves the same store as a `/v2/` endpoint.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readImageFile } from "../../src/edge/mod.ts";
import { distributionApp, StoreRegistryStorage } from "../../src/edge/mod.ts";
import { MemoryFileSystem, openMemoryRuntime } from "../../src/edge/mod.ts";
import { InvalidReferenceError } from "../../src/errors.ts";
import { useEdgeImage } from "./_edge_image.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

const edgeImage = useEdgeImage();

describe("in-memory runtime", () => {
  it("pulls into memory and reads files from the layers", async () => {
    const edge = edgeImage();
    const fs = new MemoryFileSystem();
    const runtime = await openMemoryRuntime({ fs });
    const [image] = await runtime.pull(`docker://${edge.reference}`, { tlsVerify: false });
    assert.equal(image.id, edge.image.config.digest.slice("sha256:".length));
    assert.deepEqual(await fs.readDir("/stevedore/storage/blobs/sha256").then((n) => n.length), 5);
    for (const [path, want] of Object.entries(edge.expected)) {
      const got = await readImageFile(runtimeParts(runtime).store, image, path);
      assert.deepEqual(got, want, path);
    }
    assert.equal(await readImageFile(runtimeParts(runtime).store, image, "/www"), undefined);
    const { image: found } = await runtime.lookupImage(edge.reference);
    assert.equal(found.id, image.id);
    await assert.rejects(runtime.pull("docker://Not A Name"), InvalidReferenceError);
  });

  it("serves the pulled image over /v2/ from the same store", async () => {
    const edge = edgeImage();
    const fs = new MemoryFileSystem();
    const runtime = await openMemoryRuntime({ fs });
    const [image] = await runtime.pull(`docker://${edge.reference}`, { tlsVerify: false });
    await runtime.tag(image.id, "localhost/edge/app:1");
    const app = distributionApp(new StoreRegistryStorage(runtimeParts(runtime).store, { fs }));
    for (const layer of edge.image.layers) {
      const response = await app.request(`/v2/edge/app/blobs/${layer.digest}`);
      assert.equal(response.status, 200);
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), layer.bytes);
    }
    const manifest = await app.request(`/v2/edge/app/manifests/1`, {
      headers: { accept: edge.image.manifest.mediaType },
    });
    assert.equal(manifest.status, 200);
    assert.equal(manifest.headers.get("docker-content-digest"), edge.image.manifest.digest);
  });
});
