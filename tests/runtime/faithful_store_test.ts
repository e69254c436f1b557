// The store keeps what the bytes are and every manifest an image came with (issue 11 item 6):
// the real compression of each layer, whatever a source claims, so that every save format
// of a loaded image works and skopeo reads it; and each name resolving to the manifest it
// was written with.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { sniffCompression } from "../../src/compression/mod.ts";
import { copyBetween } from "../../src/copy/mod.ts";
import { layerCompression, MediaType } from "../../src/types/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { hasSkopeo } from "../transports/_helpers.ts";
import { type ArchiveEnv, startArchiveEnv } from "./_archive_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

const skopeoHere = hasSkopeo();

function skopeo(...args: string[]): string {
  return execFileSync("skopeo", args, { encoding: "utf8" });
}

interface Layer {
  mediaType: string;
  digest: string;
}

/** Reads the manifest of the single image of an OCI layout folder. */
async function layoutManifest(dir: string): Promise<{ layers: Layer[] }> {
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  const digest: string = index.manifests[0].digest;
  return JSON.parse(await readFile(join(dir, "blobs", "sha256", digest.slice(7)), "utf8"));
}

/** Asserts that each layer's media type claims the compression its bytes have. */
async function assertTruthful(dir: string, layers: Layer[], what: string): Promise<void> {
  for (const layer of layers) {
    const bytes = await readFile(join(dir, "blobs", "sha256", layer.digest.slice(7)));
    assert.equal(layerCompression(layer.mediaType), sniffCompression(bytes), what);
  }
}

describe("a store that stays faithful", () => {
  it("stores docker-archive layers as the plain tars they are; every save format works", async () => {
    const source = await env.open();
    const { record: original } = await env.add(source, "docker.io/library/plain:1");
    const archive = join(env.dir, "plain-docker.tar");
    await source.save(["plain:1"], { format: "docker-archive", output: archive });

    const runtime = await env.open();
    assert.deepEqual(await runtime.load(archive), ["docker.io/library/plain:1"]);
    const [record] = await runtimeParts(runtime).store.images();
    // docker-archive layers are uncompressed: the blobs are the diff IDs themselves.
    assert.deepEqual(record.layers, original.diffIds);
    const stored = JSON.parse(
      new TextDecoder().decode(
        await runtimeParts(runtime).store.readBlobBytes(record.manifestDigest),
      ),
    );
    for (const layer of stored.layers) {
      assert.equal(layer.mediaType, MediaType.DockerLayer, "the stored manifest tells the truth");
    }
    await assertTruthful(runtimeParts(runtime).store.root, stored.layers, "store");

    const outputs = {
      "oci-dir": join(env.dir, "plain-oci-dir"),
      "oci-archive": join(env.dir, "plain-oci.tar"),
      "docker-archive": join(env.dir, "plain-again.tar"),
      "docker-dir": join(env.dir, "plain-docker-dir"),
    } as const;
    for (const [format, output] of Object.entries(outputs)) {
      await runtime.save(["plain:1"], { format: format as keyof typeof outputs, output });
    }
    const ociDir = outputs["oci-dir"];
    await assertTruthful(ociDir, (await layoutManifest(ociDir)).layers, "oci-dir");

    // Each saved image loads back with the same ID and layers.
    for (const [format, output] of Object.entries(outputs)) {
      const target = await env.open();
      await target.load(output);
      const [back] = await runtimeParts(target).store.images();
      assert.equal(back.id, record.id, format);
      assert.deepEqual(back.diffIds, record.diffIds, format);
    }

    if (!skopeoHere) return;
    const refs = [
      `oci:${ociDir}`,
      `oci-archive:${outputs["oci-archive"]}`,
      `docker-archive:${outputs["docker-archive"]}`,
      `dir:${outputs["docker-dir"]}`,
    ];
    for (const [i, ref] of refs.entries()) {
      const config = JSON.parse(skopeo("inspect", "--config", ref));
      assert.deepEqual(config.rootfs.diff_ids, record.diffIds, ref);
      // skopeo copies (and so decompresses and verifies) every layer into an OCI layout.
      const copy = join(env.dir, `skopeo-copy-${i}`);
      skopeo("copy", "--insecure-policy", ref, `oci:${copy}:x`);
      const copied = await layoutManifest(copy);
      await assertTruthful(copy, copied.layers, `${ref} copied by skopeo`);
    }
  });

  it("keeps every manifest of an image; each name resolves to the one it was written with", async () => {
    const runtime = await env.open();
    const { image, record: first } = await env.add(runtime, "docker.io/library/two:oci");
    const storage = containersStorageTransport(runtimeParts(runtime).store);
    // The same image again, converted to Docker schema 2, under another name.
    await copyBetween(storage.parse("two:oci"), storage.parse("two:docker"), {
      context: { fs: env.fs },
      manifestType: MediaType.DockerManifest,
    });
    const records = await runtimeParts(runtime).store.images();
    assert.equal(records.length, 1);
    const [record] = records;
    assert.equal(record.id, first.id);
    assert.notEqual(record.manifestDigest, first.manifestDigest);
    assert.ok(record.digests.includes(first.manifestDigest), "the first manifest is kept");

    const memory = memoryTransport();
    const context = { fs: env.fs };
    await copyBetween(storage.parse("two:oci"), memory.parse("oci"), { context });
    assert.deepEqual(memory.store.top("oci")?.bytes, image.manifest.bytes, "two:oci unchanged");
    await copyBetween(storage.parse("two:docker"), memory.parse("docker"), { context });
    assert.equal(memory.store.top("docker")?.mediaType, MediaType.DockerManifest);
    // name@digest picks that manifest of the image.
    await copyBetween(storage.parse(`two@${first.manifestDigest}`), memory.parse("pinned"), {
      context,
    });
    assert.deepEqual(memory.store.top("pinned")?.bytes, image.manifest.bytes);

    // The store's OCI layout lists each name with its own manifest, and gc keeps both.
    await runtimeParts(runtime).store.gc();
    assert.deepEqual(await runtimeParts(runtime).store.check({ verifyBlobs: true }), []);
    const layoutNames = async () => {
      const index = JSON.parse(
        await readFile(join(runtimeParts(runtime).store.root, "index.json"), "utf8"),
      );
      return Object.fromEntries(
        index.manifests.map((
          m: { digest: string; annotations: Record<string, string> },
        ) => [m.annotations["org.opencontainers.image.ref.name"], m.digest]),
      );
    };
    const byName = await layoutNames();
    assert.equal(byName["docker.io/library/two:oci"], image.manifest.digest);
    assert.equal(byName["docker.io/library/two:docker"], record.manifestDigest);
    if (skopeoHere) {
      const inspected = JSON.parse(
        skopeo("inspect", `oci:${runtimeParts(runtime).store.root}:docker.io/library/two:oci`),
      );
      assert.equal(inspected.Digest, image.manifest.digest);
    }

    // A tag given later resolves to the manifest the image had then, and keeps it when the
    // image is written again with its first manifest.
    await runtime.tag("two:docker", "docker.io/library/two:later");
    await copyBetween(memory.parse("oci"), storage.parse("two:again"), { context });
    const after = await layoutNames();
    assert.equal(after["docker.io/library/two:later"], record.manifestDigest);
    assert.equal(after["docker.io/library/two:docker"], record.manifestDigest);
    assert.equal(after["docker.io/library/two:again"], image.manifest.digest);
    assert.equal(after["docker.io/library/two:oci"], image.manifest.digest);
  });

  it("saves an image an earlier version stored with plain layers listed as gzip", async () => {
    const source = await env.open();
    await env.add(source, "docker.io/library/legacy:1");
    const archive = join(env.dir, "legacy-docker.tar");
    await source.save(["legacy:1"], { format: "docker-archive", output: archive });
    const runtime = await env.open();
    await runtime.load(archive);
    const [loaded] = await runtimeParts(runtime).store.images();
    // What the previous version stored: the docker-archive source's manifest, claiming
    // gzip for the plain tars, and a record of the earlier shape.
    const manifest = JSON.parse(
      new TextDecoder().decode(
        await runtimeParts(runtime).store.readBlobBytes(loaded.manifestDigest),
      ),
    );
    for (const layer of manifest.layers) layer.mediaType = MediaType.DockerLayerGzip;
    const lying = new TextEncoder().encode(JSON.stringify(manifest));
    const lyingDigest = `sha256:${createHash("sha256").update(lying).digest("hex")}`;
    await runtimeParts(runtime).store.putBlob(
      lyingDigest,
      lying.length,
      new Blob([lying]).stream(),
    );
    const root = runtimeParts(runtime).store.root;
    const path = join(root, "images.json");
    const doc = JSON.parse(await readFile(path, "utf8"));
    doc.images = doc.images.map((
      { diffSizes: _s, manifests: _m, nameDigests: _n, ...rest }: Record<string, unknown>,
    ) => ({
      ...rest,
      manifestDigest: lyingDigest,
      digests: [lyingDigest],
      manifestSize: lying.length,
    }));
    doc.generation += 1;
    await writeFile(path, JSON.stringify(doc));
    await runtime.close();

    const reopened = await env.open({ root });
    for (const format of ["docker-archive", "oci-archive", "oci-dir", "docker-dir"] as const) {
      const output = join(env.dir, `legacy-${format}`);
      await reopened.save(["legacy:1"], { format, output });
      const target = await env.open();
      await target.load(output);
      assert.deepEqual(
        (await runtimeParts(target).store.images())[0].diffIds,
        loaded.diffIds,
        format,
      );
    }
    const ociDir = join(env.dir, "legacy-oci-dir");
    await assertTruthful(ociDir, (await layoutManifest(ociDir)).layers, "oci-dir");
  });
});
