// Two processes pull, tag, untag, remove, gc and list on one store at the same time; the
// store must end up exactly as both of them expect, with no damage.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage, sha256 } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { runTs, start } from "../store/_spawn.ts";
import type { ChildReport } from "./_concurrent_child.ts";

const ITERATIONS = 15;
const encoder = new TextEncoder();
const fs = new NodeFileSystem();

/** `image` with its base layer replaced by `base`'s (config and manifest rebuilt). */
function onBase(image: RandomImage, base: RandomImage): RandomImage {
  const layers = [base.layers[0], ...image.layers.slice(1)];
  const config = JSON.parse(new TextDecoder().decode(image.config.bytes));
  config.rootfs.diff_ids = layers.map((l) => l.diffId);
  const configBytes = encoder.encode(JSON.stringify(config));
  const configBlob = { ...image.config, bytes: configBytes, digest: sha256(configBytes) };
  configBlob.size = configBytes.length;
  const manifest = {
    schemaVersion: 2,
    mediaType: image.manifest.mediaType,
    config: { mediaType: configBlob.mediaType, digest: configBlob.digest, size: configBlob.size },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  const bytes = encoder.encode(JSON.stringify(manifest));
  const blobs = new Map<string, Uint8Array>([[configBlob.digest, configBytes]]);
  for (const layer of layers) blobs.set(layer.digest, layer.bytes);
  return {
    manifest: { bytes, mediaType: image.manifest.mediaType, digest: sha256(bytes) },
    config: configBlob,
    layers,
    blobs,
    platform: image.platform,
  };
}

let registry: RegistryServer;
let dir: string;
let conf: string;
const images: Record<string, RandomImage> = {};

before(async () => {
  registry = await startRegistry();
  dir = await mkdtemp(join(tmpdir(), "stevedore-concurrent-"));
  conf = join(dir, "registries.conf");
  await writeFile(conf, `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`);
  // The two own images share their base layer; the shared image shares nothing.
  const base = randomImage({ layers: 2, layerSize: 64 * 1024 });
  images["own-0"] = base;
  images["own-1"] = onBase(randomImage({ layers: 2, layerSize: 64 * 1024 }), base);
  images["shared"] = randomImage({ layers: 2, layerSize: 64 * 1024 });
  const memory = memoryTransport();
  for (const [name, image] of Object.entries(images)) {
    memory.store.add(name, image);
    await copyBetween(memory.parse(name), `docker://${registry.registry}/conc/${name}:latest`, {
      context: { fs, tlsVerify: false },
    });
  }
});

after(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const idOf = (name: string) => images[name].config.digest.slice("sha256:".length);

describe("two processes on one store", () => {
  it("leave every name where they expect it and no damage", async () => {
    const root = join(dir, "store");
    const children = [0, 1].map((k) =>
      start(runTs[0], [
        ...runTs[1],
        "tests/runtime/_concurrent_child.ts",
        root,
        conf,
        registry.registry,
        String(k),
        String(ITERATIONS),
        join(dir, `report-${k}.json`),
      ])
    );
    const results = await Promise.all(children.map((child) => child.exited));
    for (const result of results) assert.equal(result.code, 0, result.stderr);
    const reports: ChildReport[] = await Promise.all(
      [0, 1].map(async (k) => JSON.parse(await readFile(join(dir, `report-${k}.json`), "utf8"))),
    );

    const store = await openStore({ root, fs });
    const records = await store.images();
    // No name on two images, and no record without names (nothing dangling was left).
    const all = records.flatMap((r) => r.names);
    assert.equal(new Set(all).size, all.length, `duplicate names: ${all.sort().join(", ")}`);
    for (const record of records) assert.ok(record.names.length > 0, `${record.id} has no name`);

    const wantIds = new Set([idOf("shared")]);
    for (const [k, report] of reports.entries()) {
      assert.equal(report.iterations, ITERATIONS);
      assert.equal(report.ownId, idOf(`own-${k}`));
      // Every name the child expects points at the image it expects.
      for (const [name, id] of Object.entries(report.expected)) {
        assert.equal((await store.imageByName(name))?.id, id, `${name} of child ${k}`);
      }
      for (const name of report.removed) {
        assert.equal(await store.imageByName(name), undefined, `removed ${name} of child ${k}`);
      }
      // A child that removed its image last has no record of it left.
      if (report.ownRemoved) assert.equal(await store.imageById(report.ownId), undefined);
      else wantIds.add(report.ownId);
      const sharedNames = Object.keys(report.expected).filter((n) => n.includes("/shared:"));
      assert.ok(sharedNames.length > 0);
    }
    // Child 0 removes its image in its last iteration, child 1 keeps its own.
    assert.deepEqual(reports.map((r) => r.ownRemoved), [true, false]);
    assert.deepEqual(new Set(records.map((r) => r.id)), wantIds);
    // The shared image carries the pulled name and both children's remaining tags.
    const shared = (await store.imageById(idOf("shared")))!;
    const expectedShared = [`${registry.registry}/conc/shared:latest`];
    for (const report of reports) {
      for (const [name, id] of Object.entries(report.expected)) {
        if (id === idOf("shared")) expectedShared.push(name);
      }
    }
    assert.deepEqual([...shared.names].sort(), expectedShared.sort());
    // Every record is complete, its blobs present and intact, the index in sync.
    assert.deepEqual(await store.check({ verifyBlobs: true }), []);
    for (const record of records) assert.equal(await store.isCorrupted(record), false);
  });
});
