// Runtime.copy's options reach the copy: the parallel copies and gzip level are checked
// by the copy engine, additional tags land in a docker-archive destination only.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { copyBetween } from "../../src/copy/mod.ts";
import { InvalidReferenceError, UnsupportedTransportError } from "../../src/errors.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { type Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { listDockerArchiveImages } from "../../src/transports/docker_archive/list.ts";
import { openMemoryTestRuntime } from "../helpers/memory_runtime.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";

async function runtimeWithImage(): Promise<{ fs: MemoryFileSystem; runtime: Runtime }> {
  const fs = new MemoryFileSystem();
  const runtime = await openMemoryTestRuntime(fs, "/store");
  const memory = memoryTransport();
  memory.store.add("app:v1", randomImage({ layers: 2 }));
  const store = containersStorageTransport(runtimeParts(runtime).store);
  await copyBetween(memory.parse("app:v1"), store.parse("docker.io/library/app:v1"), {
    context: { fs },
  });
  return { fs, runtime };
}

describe("Runtime.copy options", () => {
  it("writes additional tags into a docker-archive, after the destination's own", async () => {
    const { fs, runtime } = await runtimeWithImage();
    await runtime.copy("containers-storage:app:v1", "docker-archive:/out.tar:app:v1", {
      additionalTags: ["extra/one:v2", "quay.io/two:latest"],
    });
    const [image, ...more] = await listDockerArchiveImages(fs, "/out.tar");
    assert.equal(more.length, 0);
    // Full names, as containers/image writes them.
    assert.deepEqual(image.repoTags, [
      "docker.io/library/app:v1",
      "docker.io/extra/one:v2",
      "quay.io/two:latest",
    ]);
  });

  it("refuses additional tags that are not tagged names, or for other destinations", async () => {
    const { fs, runtime } = await runtimeWithImage();
    await assert.rejects(
      runtime.copy("containers-storage:app:v1", "docker-archive:/bad.tar", {
        additionalTags: ["extra/one"],
      }),
      InvalidReferenceError,
    );
    await assert.rejects(
      runtime.copy("containers-storage:app:v1", "oci:/layout:v1", { additionalTags: ["a/b:1"] }),
      (error) =>
        error instanceof UnsupportedTransportError && /oci:\/layout:v1/.test(error.message),
    );
    assert.equal(await fs.stat("/bad.tar").then(() => true, () => false), false);
    assert.equal(await fs.stat("/layout").then(() => true, () => false), false);
  });

  it("decompresses the layers of a dir: destination on request; other destinations refuse it", async () => {
    const { fs, runtime } = await runtimeWithImage();
    await runtime.copy("containers-storage:app:v1", "dir:/plain", { dirLayers: "decompress" });
    const manifest = JSON.parse(await fs.readTextFile("/plain/manifest.json")) as {
      layers: { mediaType: string }[];
    };
    assert.deepEqual(
      manifest.layers.map((layer) => layer.mediaType),
      ["application/vnd.oci.image.layer.v1.tar", "application/vnd.oci.image.layer.v1.tar"],
    );
    await assert.rejects(
      runtime.copy("containers-storage:app:v1", "oci:/layout:v1", { dirLayers: "compress" }),
      UnsupportedTransportError,
    );
    await assert.rejects(
      runtime.copy("containers-storage:app:v1", "dir:/x", { dirLayers: "zip" as "compress" }),
      TypeError,
    );
    assert.equal(await fs.stat("/layout").then(() => true, () => false), false);
    assert.equal(await fs.stat("/x").then(() => true, () => false), false);
  });

  it("hands the parallel copies and the gzip level to the copy engine", async () => {
    const { runtime } = await runtimeWithImage();
    for (
      const options of [{ concurrency: 0 }, { compressionLevel: 10 }, { compressionLevel: 1.5 }]
    ) {
      await assert.rejects(
        runtime.copy("containers-storage:app:v1", "oci:/layout:v1", options),
        RangeError,
        JSON.stringify(options),
      );
    }
    await runtime.copy("containers-storage:app:v1", "oci:/layout:v1", {
      concurrency: 1,
      compressionLevel: 1,
    });
  });
});
