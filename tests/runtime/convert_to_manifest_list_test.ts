// Runtime.convertToManifestList (libimage's Image.ConvertToManifestList): a stored image
// becomes a list wrapping it in the same record (a Docker list for a Docker image, an OCI
// index for an OCI one); its name still finds the image, `push` with `selection: "all"`
// sends the list and the image, and gc keeps the image's blobs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ImageNotFoundError } from "../../src/errors.ts";
import { type Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { openTestRuntime, seedRegistry, sha256, skopeoRaw } from "./_manifest_fixtures.ts";

const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

describe("convertToManifestList", () => {
  let registry: RegistryServer;
  let dir: string;
  let runtime: Runtime;
  const images: Record<"oci" | "docker", RandomImage> = {
    oci: randomImage({ layers: 2, layerSize: 256, mediaTypes: "oci" }),
    docker: randomImage({
      layers: 1,
      layerSize: 256,
      mediaTypes: "docker",
      platform: { os: "linux", architecture: "arm64", variant: "v8" },
    }),
  };

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-convert-"));
    await seedRegistry(registry, dir, { "oci:v1": images.oci, "docker:v1": images.docker });
    runtime = await openTestRuntime(dir);
    for (const kind of Object.keys(images)) {
      await runtime.pull(`${registry.registry}/${kind}:v1`, { platform: "linux/arm64/v8" });
    }
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  for (const [kind, listType] of [["oci", OCI_INDEX], ["docker", DOCKER_LIST]] as const) {
    it(`wraps a ${kind} image in a ${listType.split("/")[1]} in the same record`, async () => {
      const image = images[kind];
      const name = `${registry.registry}/${kind}:v1`;
      const store = runtimeParts(runtime).store;
      const before = (await store.imagesByDigest(image.manifest.digest))[0];
      const list = await runtime.convertToManifestList(name);
      assert.equal(list.id, before.id, "the same record");
      const data = await list.inspect();
      assert.equal(data.mediaType, listType);
      assert.deepEqual(data.manifests, [{
        mediaType: image.manifest.mediaType,
        digest: image.manifest.digest,
        size: image.manifest.bytes.length,
        platform: image.platform,
      }]);
      assert.equal((await runtime.lookupManifestList(name)).id, before.id);
      // A second conversion returns the list as it is.
      const record = await list.record();
      assert.equal((await runtime.convertToManifestList(name)).id, before.id);
      assert.equal((await list.record()).manifestDigest, record.manifestDigest);
      assert.deepEqual(record.names, before.names);

      // The image's own manifest stays reachable: by lookup for its platform, and as the
      // list's instance; gc keeps its blobs.
      const custom = await openTestRuntime(dir, image.platform);
      const instance = await list.lookupInstance(image.platform);
      assert.equal(instance.manifestDigest, image.manifest.digest);
      assert.equal(instance.isManifestList, false);
      const inspected = await custom.inspect(name);
      assert.equal(inspected.Id, before.id);
      await store.gc();
      assert.deepEqual(await store.check(), []);
      for (const digest of [image.manifest.digest, ...image.blobs.keys()]) {
        assert.ok(await store.hasBlob(digest), `${digest} kept`);
      }

      const dest = `${registry.registry}/converted/${kind}:v1`;
      const pushed = await list.push(dest, { selection: "all" });
      const raw = skopeoRaw(dest);
      assert.equal(sha256(raw), pushed);
      const index = JSON.parse(raw);
      assert.equal(index.mediaType, listType);
      assert.deepEqual(index.manifests.map((m: { digest: string }) => m.digest), [
        image.manifest.digest,
      ]);
      assert.equal(
        sha256(skopeoRaw(`${registry.registry}/converted/${kind}@${image.manifest.digest}`)),
        image.manifest.digest,
      );
    });
  }

  it("lists the converted records and removes them with their blobs", async () => {
    const store = runtimeParts(runtime).store;
    const listed = await runtime.listImages();
    const ids = [];
    for (const image of Object.values(images)) {
      const holder = (await store.imagesByDigest(image.manifest.digest))[0];
      assert.equal(holder.isManifestList, true);
      assert.ok(listed.some((summary) => summary.id === holder.id));
      ids.push(holder.id);
    }
    const removed = await runtime.removeImages(
      Object.keys(images).map((kind) => `${registry.registry}/${kind}:v1`),
    );
    assert.deepEqual(removed.errors, []);
    assert.deepEqual(removed.reports.map((r) => r.id).sort(), ids.sort());
    await store.gc();
    for (const image of Object.values(images)) {
      assert.equal(await store.hasBlob(image.manifest.digest), false);
    }
  });

  it("names an unknown image", async () => {
    await assert.rejects(runtime.convertToManifestList("localhost/nothing:here"), (error) => {
      assert.ok(error instanceof ImageNotFoundError);
      assert.match(error.message, /localhost\/nothing:here/);
      return true;
    });
  });
});
