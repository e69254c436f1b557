import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import {
  ImageConflictError,
  ImageNotFoundError,
  ManifestUnknownError,
  NotAManifestListError,
} from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import {
  type RandomImage,
  randomImage,
  type RandomIndex,
  randomMultiArch,
} from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

const SKOPEO = "/usr/bin/skopeo";
const DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

function skopeoRaw(ref: string): { mediaType?: string; manifests?: { digest: string }[] } {
  const out = execFileSync(SKOPEO, ["inspect", "--raw", "--tls-verify=false", `docker://${ref}`], {
    encoding: "utf8",
  });
  return JSON.parse(out);
}

describe("manifest lists", () => {
  let registry: RegistryServer;
  let dir: string;
  let multi: RandomIndex;
  let single: RandomImage;
  let runtime: Runtime;
  let n = 0;

  const open = async () =>
    await Runtime.open({
      root: join(dir, `store-${n++}`),
      registriesConf: join(dir, "registries.conf"),
      registriesConfDir: "",
      env: {},
      homeDir: dir,
      uid: 1000,
      hostPlatform: { os: "linux", architecture: "amd64" },
      tmpDir: dir,
      warn: () => {},
    });

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-manifest-"));
    await writeFile(
      join(dir, "registries.conf"),
      `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`,
    );
    const memory = memoryTransport();
    multi = randomMultiArch({ layers: 1, layerSize: 128 });
    single = randomImage({
      layers: 1,
      layerSize: 128,
      platform: { os: "linux", architecture: "s390x" },
    });
    for (const [image, tag] of [[multi, "multi:v1"], [single, "single:v1"]] as const) {
      memory.store.add(tag, image);
      await copyBetween(memory.parse(tag), `docker://${registry.registry}/${tag}`, {
        context: { fs: new NodeFileSystem(), tlsVerify: false },
        all: true,
      });
    }
    runtime = await open();
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates an empty Docker list under the normalized name", async () => {
    const list = await runtime.createManifestList("empty");
    assert.match(list.id, /^[0-9a-f]{64}$/);
    const record = await runtimeParts(runtime).store.imageById(list.id);
    assert.equal(record?.isManifestList, true);
    assert.deepEqual(record?.names, ["localhost/empty:latest"]);
    assert.deepEqual(await list.inspect(), {
      schemaVersion: 2,
      mediaType: DOCKER_LIST,
      manifests: [],
    });
    await assert.rejects(runtime.createManifestList("localhost/empty"), ImageConflictError);
    const other = await runtime.createManifestList("empty2");
    assert.notEqual(other.id, list.id);
    assert.equal((await runtime.lookupManifestList("empty")).id, list.id);
  });

  it("adds every instance of a registry list, then a local image", async () => {
    const list = await runtime.createManifestList("localhost/app:v1");
    const digest = await list.add(`${registry.registry}/multi:v1`, { all: true });
    assert.equal(digest, multi.manifest.digest);
    let data = await list.inspect();
    assert.deepEqual(
      data.manifests.map((m) => m.digest),
      multi.images.map((i) => i.manifest.digest),
    );
    assert.deepEqual(data.manifests[1].platform, {
      os: "linux",
      architecture: "arm64",
      variant: "v8",
    });
    // As with Podman, add copies nothing: the list records where each instance comes from.
    for (const image of multi.images) {
      const holders = await runtimeParts(runtime).store.imagesByDigest(image.manifest.digest);
      assert.equal(holders.filter((h) => !h.isManifestList).length, 0, "no instance stored");
      for (const layer of image.layers) {
        assert.equal(
          await runtimeParts(runtime).store.hasBlob(layer.digest),
          false,
          "no layer pulled",
        );
      }
    }
    const record = await runtimeParts(runtime).store.imageById(list.id);
    assert.deepEqual(
      Object.keys(record?.instanceSources ?? {}).sort(),
      multi.images.map((i) => i.manifest.digest).sort(),
    );
    // The list kept its ID and is found again under its name.
    assert.equal((await runtime.lookupManifestList("localhost/app:v1")).id, list.id);
    // Its name finds no image until the platform's instance is stored (libimage's lookup).
    await assert.rejects(runtime.lookupImage("localhost/app:v1"), ImageNotFoundError);
    await runtime.pull(`docker://${registry.registry}/multi@${multi.images[0].manifest.digest}`);

    // A local-only image: the docker:// probe fails, the store has it.
    const [pulled] = await runtime.pull(`docker://${registry.registry}/single:v1`, {
      tlsVerify: false,
    });
    await runtime.tag(pulled.id, "localhost/local-only:v1");
    const localDigest = await list.add("localhost/local-only:v1");
    assert.equal(localDigest, single.manifest.digest);
    data = await list.inspect();
    assert.equal(data.manifests.length, 4);
    assert.deepEqual(data.manifests[3].platform, { os: "linux", architecture: "s390x" });
    assert.equal(data.mediaType, DOCKER_LIST);

    // The list name looks up the host platform's instance.
    const { image } = await runtime.lookupImage("localhost/app:v1");
    assert.equal(image.manifestDigest, multi.images[0].manifest.digest);
    await assert.rejects(
      list.lookupInstance({ architecture: "arm64", variant: "v8" }),
      ImageNotFoundError,
    );
    await runtime.pull(`docker://${registry.registry}/multi@${multi.images[1].manifest.digest}`);
    const arm = await list.lookupInstance({ architecture: "arm64", variant: "v8" });
    assert.equal(arm.manifestDigest, multi.images[1].manifest.digest);

    await assert.rejects(list.add("localhost/no-such-image:v1"), ImageNotFoundError);
  });

  it("adds only the platform's instance without all", async () => {
    const list = await runtime.createManifestList("localhost/arm-only");
    const digest = await list.add(`docker://${registry.registry}/multi:v1`, {
      platform: "linux/arm/v7",
      annotations: { "org.example/pick": "arm" },
    });
    assert.equal(digest, multi.images[2].manifest.digest);
    const data = await list.inspect();
    assert.equal(data.manifests.length, 1);
    assert.equal(data.mediaType, OCI_INDEX, "annotations need an OCI index");
    assert.deepEqual(data.manifests[0].annotations, { "org.example/pick": "arm" });
    await assert.rejects(
      list.add(`${registry.registry}/multi:v1`, { platform: "windows/amd64" }),
      ManifestUnknownError,
    );
  });

  it("annotates and removes instances, saving into the same ID", async () => {
    const list = await runtime.createManifestList("localhost/annotated");
    await list.add(`${registry.registry}/multi:v1`, { all: true });
    const [amd64, arm64] = multi.images.map((i) => i.manifest.digest);
    await list.annotateInstance(arm64, {
      annotations: { a: "1" },
      architecture: "arm64",
      os: "linux",
      osVersion: "6.1",
      features: ["sse4"],
      indexAnnotations: { "org.opencontainers.image.title": "demo" },
    });
    const data = await list.inspect();
    assert.equal(data.mediaType, OCI_INDEX);
    assert.deepEqual(data.annotations, { "org.opencontainers.image.title": "demo" });
    const entry = data.manifests.find((m) => m.digest === arm64)!;
    assert.deepEqual(entry.annotations, { a: "1" });
    // Setting the architecture without a variant clears the variant.
    assert.deepEqual(entry.platform, {
      os: "linux",
      architecture: "arm64",
      "os.version": "6.1",
      features: ["sse4"],
    });
    await list.annotateInstance(arm64, { variant: "v8" });
    assert.equal(
      (await list.inspect()).manifests.find((m) => m.digest === arm64)?.platform?.variant,
      "v8",
    );
    await list.removeInstance(amd64);
    assert.equal((await list.inspect()).manifests.length, 2);
    // The removed instance's source goes with it; arm/v7 (never stored) keeps its source.
    const sources = (await runtimeParts(runtime).store.imageById(list.id))?.instanceSources ?? {};
    assert.equal(sources[amd64], undefined);
    assert.ok(sources[multi.images[2].manifest.digest]);
    await assert.rejects(list.removeInstance(amd64), ManifestUnknownError);
    await assert.rejects(list.annotateInstance(amd64, { os: "linux" }), ManifestUnknownError);
    const record = await runtimeParts(runtime).store.imageById(list.id);
    assert.equal(record?.isManifestList, true);
    assert.deepEqual(record?.names, ["localhost/annotated:latest"]);
  });

  it("pushes with each selection and skopeo reads the result back", async () => {
    const list = await runtime.lookupManifestList("localhost/app:v1");
    const instances = (await list.inspect()).manifests.map((m) => m.digest);

    const allDigest = await list.push(`${registry.registry}/pushed:all`, { selection: "all" });
    const all = skopeoRaw(`${registry.registry}/pushed:all`);
    assert.equal(all.mediaType, DOCKER_LIST);
    assert.deepEqual(all.manifests?.map((m) => m.digest), instances);
    // The arm/v7 instance was never stored: the push read it from where it was added.
    assert.equal((await runtimeParts(runtime).store.imagesByDigest(instances[2])).length, 0);
    execFileSync(SKOPEO, [
      "copy",
      "--insecure-policy",
      "--src-tls-verify=false",
      `docker://${registry.registry}/pushed@${instances[2]}`,
      `oci:${join(dir, "arm-v7")}:x`,
    ]);
    const byDigest = skopeoRaw(`${registry.registry}/pushed@${allDigest}`);
    assert.deepEqual(byDigest.manifests?.map((m) => m.digest), instances);

    const systemDigest = await list.push(`docker://${registry.registry}/pushed:system`);
    assert.equal(systemDigest, multi.images[0].manifest.digest);
    const system = skopeoRaw(`${registry.registry}/pushed:system`);
    assert.equal(system.manifests, undefined, "a single image was pushed");
    assert.equal(system.mediaType, multi.images[0].manifest.mediaType);

    const picked = [instances[1], instances[3]];
    await list.push(`${registry.registry}/pushed:specific`, {
      selection: "specific",
      instances: picked,
      tlsVerify: false,
    });
    const specific = skopeoRaw(`${registry.registry}/pushed:specific`);
    assert.deepEqual(specific.manifests?.map((m) => m.digest), picked);

    await assert.rejects(
      list.push(`${registry.registry}/pushed:bad`, {
        selection: "specific",
        instances: ["sha256:" + "0".repeat(64)],
      }),
      ManifestUnknownError,
    );
    await assert.rejects(list.push(""), TypeError);
  });

  it("keeps list instances when pruning and when the list is removed", async () => {
    const list = await runtime.lookupManifestList("localhost/app:v1");
    const instanceIds = [];
    for (const image of multi.images.slice(0, 2)) {
      const holder = (await runtimeParts(runtime).store.imagesByDigest(image.manifest.digest))
        .find((h) => !h.isManifestList)!;
      // Untagged, the pulled instances would be dangling but for the list.
      for (const name of holder.names) await runtime.untag(holder.id, name);
      assert.deepEqual((await runtimeParts(runtime).store.imageById(holder.id))?.names, []);
      instanceIds.push(holder.id);
    }
    const pruned = await runtime.prune();
    assert.deepEqual(pruned.errors, []);
    for (const id of instanceIds) {
      assert.ok(await runtimeParts(runtime).store.imageById(id), "kept by prune");
    }

    const notList = await runtime.removeImages(["localhost/local-only:v1"], {
      lookupManifest: true,
    });
    assert.ok(notList.errors[0] instanceof NotAManifestListError);
    await assert.rejects(
      runtime.lookupManifestList("localhost/local-only:v1"),
      NotAManifestListError,
    );
    await assert.rejects(runtime.lookupManifestList("localhost/nothing"), ImageNotFoundError);

    const removed = await runtime.removeImages(["localhost/app:v1"], { lookupManifest: true });
    assert.deepEqual(removed.errors, []);
    assert.deepEqual(removed.reports.map((r) => r.id), [list.id]);
    assert.equal(await runtimeParts(runtime).store.imageById(list.id), undefined);
    for (const id of instanceIds) {
      assert.ok(await runtimeParts(runtime).store.imageById(id), "instance kept");
    }
    await assert.rejects(list.inspect(), ImageNotFoundError);
  });
});
