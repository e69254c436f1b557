// copyImage with the defaults a newcomer expects: no options at all between two `oci:`
// layouts on the host's disk, and a plain-HTTP registry with `{ tlsVerify: false }` alone.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyImage, RegistryError } from "../../mod.ts";
import { copyBetween } from "../../src/copy/mod.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

describe("copyImage defaults", () => {
  let server: RegistryServer;
  let work: string;
  before(async () => {
    server = await startRegistry();
    work = await mkdtemp(join(tmpdir(), "stevedore-copy-defaults-"));
  });
  after(async () => {
    await server?.stop();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("pulls from a plain-HTTP registry into oci: with only { tlsVerify: false }", async () => {
    const image = randomImage({ layers: 2 });
    const mem = memoryTransport();
    mem.store.add("img", image);
    const remote = `docker://${server.registry}/defaults/app:v1`;
    await copyBetween(mem.parse("img"), remote, {
      context: { fs: new MemoryFileSystem(), tlsVerify: false },
    });

    const layout = join(work, "pulled");
    const result = await copyImage(remote, `oci:${layout}:v1`, { tlsVerify: false });
    assert.equal(result.manifestDigest, image.manifest.digest);
    const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8"));
    assert.equal(index.manifests[0].digest, image.manifest.digest);
    assert.equal(index.manifests[0].annotations["org.opencontainers.image.ref.name"], "v1");

    // And with no options at all, between two layouts on the host's disk.
    const copy = join(work, "copy");
    const again = await copyImage(`oci:${layout}:v1`, `oci:${copy}:latest`);
    assert.equal(again.manifestDigest, image.manifest.digest);
    const [layer] = image.layers;
    const [, hex] = layer.digest.split(":");
    assert.deepEqual(
      new Uint8Array(await readFile(join(copy, "blobs", "sha256", hex))),
      image.blobs.get(layer.digest),
    );
  });

  it("verifies TLS unless told otherwise", async () => {
    await assert.rejects(
      copyImage(`docker://${server.registry}/defaults/app:v1`, `oci:${join(work, "no")}:v1`, {
        retries: 0,
      }),
      (error: unknown) => error instanceof RegistryError && error.message.includes(server.registry),
    );
  });
});
