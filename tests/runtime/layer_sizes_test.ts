// Sizes as podman reports them (issue 12): each layer's uncompressed size is learned, and
// its diff ID verified, while it is written into the store; images of earlier stores get
// their sizes once, on first need. And a list pulled by tag records the list's digest too.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { DigestMismatchError } from "../../src/errors.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage, randomMultiArch, sha256 } from "../helpers/random_image.ts";
import { type ArchiveEnv, startArchiveEnv, storeState } from "./_archive_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

/**
 * What podman reports: the layers uncompressed, plus the config and the manifest (twice:
 * containers/storage keeps it under its digest and as the image's `manifest`).
 */
function podmanSize(image: RandomImage): number {
  return image.layers.reduce((sum, layer) => sum + layer.tar.length, 0) + image.config.size +
    2 * image.manifest.bytes.length;
}

/** `image` with its config's diff IDs changed by `change`. */
function withDiffIds(image: RandomImage, change: (diffIds: string[]) => string[]): RandomImage {
  const config = JSON.parse(new TextDecoder().decode(image.config.bytes));
  config.rootfs.diff_ids = change(config.rootfs.diff_ids);
  const configBytes = new TextEncoder().encode(JSON.stringify(config));
  const configBlob = {
    ...image.config,
    bytes: configBytes,
    digest: sha256(configBytes),
    size: configBytes.length,
  };
  const manifest = JSON.parse(new TextDecoder().decode(image.manifest.bytes));
  manifest.config = { ...manifest.config, digest: configBlob.digest, size: configBlob.size };
  const manifestBytes = new TextEncoder().encode(JSON.stringify(manifest));
  const blobs = new Map(image.blobs);
  blobs.delete(image.config.digest);
  blobs.set(configBlob.digest, configBytes);
  return {
    ...image,
    config: configBlob,
    manifest: { ...image.manifest, bytes: manifestBytes, digest: sha256(manifestBytes) },
    blobs,
  };
}

describe("layer sizes", () => {
  it("reports uncompressed sizes in images, inspect, history and the record", async () => {
    const runtime = await env.open();
    const { image, record } = await env.add(runtime, "docker.io/library/sized:1", {
      layerSize: 20_000,
    });
    const tars = image.layers.map((layer) => layer.tar.length);
    assert.deepEqual(record.diffSizes, tars);
    assert.equal(record.size, podmanSize(image));
    const compressed = image.layers.reduce((sum, layer) => sum + layer.size, 0);
    assert.ok(record.size > compressed + image.config.size, "bigger than the compressed size");

    const [summary] = await runtime.listImages();
    assert.equal(summary.size, podmanSize(image));
    const data = await runtime.inspect("sized:1", { withSize: true });
    assert.equal(data.Size, podmanSize(image));
    const rows = (await runtime.history("sized:1")).filter((row) => row.size > 0);
    assert.deepEqual(rows.map((row) => row.size).reverse(), tars);
    const usage = await runtime.diskUsage();
    assert.equal(usage.images[0].size, podmanSize(image));
  });

  it("refuses a layer whose content is not the config's diff ID, writing nothing", async () => {
    const runtime = await env.open();
    const memory = memoryTransport();
    const storage = containersStorageTransport(runtimeParts(runtime).store);
    const image = randomImage({ layers: 2, layerSize: 500 });
    const cases = {
      // No layer has these contents: refused while written, before a layer is kept.
      foreign: withDiffIds(image, (ids) => ids.map((id) => sha256(new TextEncoder().encode(id)))),
      // The right contents in the wrong order: refused at the commit.
      reversed: withDiffIds(image, (ids) => [...ids].reverse()),
    };
    const before = await storeState(runtime);
    for (const [name, bad] of Object.entries(cases)) {
      memory.store.add(name, bad);
      await assert.rejects(
        copyBetween(memory.parse(name), storage.parse(`docker.io/library/bad:${name}`), {
          context: { fs: env.fs },
        }),
        (error: unknown) => {
          assert.ok(error instanceof DigestMismatchError, String(error));
          assert.match(String(error), /sha256:[0-9a-f]{64}.*uncompressed/);
          return true;
        },
        name,
      );
      assert.deepEqual((await runtimeParts(runtime).store.images()).length, 0, name);
      if (name === "foreign") {
        for (const layer of bad.layers) {
          assert.equal(
            await runtimeParts(runtime).store.hasBlob(layer.digest),
            false,
            layer.digest,
          );
        }
      }
      // Whatever was written waits for gc only.
      await runtimeParts(runtime).store.gc();
      assert.deepEqual(await storeState(runtime), before, name);
    }
  });

  it("gives images of an earlier store their sizes once, on first need", async () => {
    const runtime = await env.open();
    const { image, record } = await env.add(runtime, "docker.io/library/old:1", {
      layerSize: 20_000,
    });
    const root = runtimeParts(runtime).store.root;
    // Rewrite images.json as the previous version wrote it: stored sizes, one manifest.
    const path = join(root, "images.json");
    const doc = JSON.parse(await readFile(path, "utf8"));
    const compressed = image.config.size + image.layers.reduce((sum, l) => sum + l.size, 0);
    doc.images = doc.images.map((
      { diffSizes: _s, manifests: _m, nameDigests: _n, ...rest }: Record<string, unknown>,
    ) => ({ ...rest, size: compressed }));
    doc.generation += 1;
    await writeFile(path, JSON.stringify(doc));
    await runtime.close();

    const reopened = await env.open({ root });
    const [old] = await runtimeParts(reopened).store.images();
    assert.equal(old.diffSizes, undefined);
    assert.equal(old.size, compressed);
    // Names, digests and the manifest of the old record still resolve.
    assert.equal((await reopened.inspect("old:1")).Digest, record.manifestDigest);

    const [summary] = await reopened.listImages();
    assert.equal(summary.size, podmanSize(image));
    const recorded = JSON.parse(await readFile(path, "utf8"));
    assert.deepEqual(recorded.images[0].diffSizes, image.layers.map((l) => l.tar.length));
    const generation = recorded.generation;
    // Known now: another listing (and history) writes nothing more.
    await reopened.listImages();
    await reopened.history("old:1");
    assert.equal(JSON.parse(await readFile(path, "utf8")).generation, generation);
  });
});

describe("a list pulled by tag", () => {
  it("records the list's digest with the instance, so name@<list digest> resolves", async () => {
    const runtime = await env.open();
    const memory = memoryTransport();
    const list = randomMultiArch({ layers: 1 });
    memory.store.add("multi", list);
    const storage = containersStorageTransport(runtimeParts(runtime).store);
    await copyBetween(memory.parse("multi"), storage.parse("docker.io/library/multi:1"), {
      context: { fs: env.fs },
      platform: { os: "linux", architecture: "arm64", variant: "v8" },
    });
    const instance = list.images[1];
    const [record] = await runtimeParts(runtime).store.images();
    assert.equal(record.manifestDigest, instance.manifest.digest);
    // The list's digest comes first: podman reports it as the image's digest.
    assert.deepEqual(record.digests, [list.manifest.digest, instance.manifest.digest]);

    const data = await runtime.inspect("multi:1");
    assert.equal(data.Digest, list.manifest.digest);
    assert.deepEqual(
      data.RepoDigests.sort(),
      [
        `docker.io/library/multi@${instance.manifest.digest}`,
        `docker.io/library/multi@${list.manifest.digest}`,
      ].sort(),
    );
    const byList = await runtime.inspect(`docker.io/library/multi@${list.manifest.digest}`);
    assert.equal(byList.Id, record.id);
    const byInstance = await runtime.inspect(`docker.io/library/multi@${instance.manifest.digest}`);
    assert.equal(byInstance.Id, record.id);
    assert.equal((await runtime.listImages())[0].digest, list.manifest.digest);
    assert.deepEqual(await runtimeParts(runtime).store.check({ verifyBlobs: true }), []);
  });
});
