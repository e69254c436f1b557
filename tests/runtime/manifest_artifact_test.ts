// ManifestList.addArtifact: the OCI artifact manifest libimage builds from local files,
// its blobs kept in the store with the list, pushed with `selection: "all"` to a real
// registry and read back with skopeo and our RegistryClient; hostile input leaves the
// list and the store byte-identical.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ArtifactFileError, ImageNotFoundError } from "../../src/errors.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { type Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { openTestRuntime, seedRegistry, sha256, skopeoRaw } from "./_manifest_fixtures.ts";

const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const EMPTY = {
  mediaType: "application/vnd.oci.empty.v1+json",
  digest: "sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
  size: 2,
  data: "e30=",
};
const TITLE = "org.opencontainers.image.title";

type Json = Record<string, unknown> & {
  layers?: Record<string, unknown>[];
  manifests?: Record<string, unknown>[];
};

function skopeoJson(ref: string): Json {
  return JSON.parse(skopeoRaw(ref));
}

/** Every file under `root` with a hash of its bytes (a store's byte-identity). */
async function snapshot(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (path: string, rel: string): Promise<void> => {
    for (const name of (await readdir(path)).sort()) {
      const full = join(path, name);
      if ((await stat(full)).isDirectory()) await walk(full, `${rel}${name}/`);
      else out[`${rel}${name}`] = sha256(await readFile(full));
    }
  };
  await walk(root, "");
  return out;
}

describe("manifest list artifacts", () => {
  let registry: RegistryServer;
  let dir: string;
  let files: string;
  let runtime: Runtime;
  let image: RandomImage;
  const text = "oh yeah\n";
  const zeroes = new Uint8Array(100_000);

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-artifact-"));
    files = join(dir, "files");
    await mkdir(files);
    await writeFile(join(files, "listed.txt"), text);
    await writeFile(join(files, "zeroes"), zeroes);
    await mkdir(join(files, "a-directory"));
    image = randomImage({ layers: 1, layerSize: 64 });
    await seedRegistry(registry, dir, { "subject:v1": image });
    runtime = await openTestRuntime(dir);
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const store = () => runtimeParts(runtime).store;
  const blob = async (digest: string) =>
    new TextDecoder().decode(await store().readBlobBytes(digest));
  const stored = async (digest: string): Promise<Json> => JSON.parse(await blob(digest));

  it("builds the artifact manifest libimage builds, one layer a file", async () => {
    const list = await runtime.createManifestList("localhost/art:shape");
    const digest = await list.addArtifact({}, [join(files, "listed.txt"), join(files, "zeroes")]);
    const bytes = await store().readBlobBytes(digest);
    assert.equal(sha256(bytes), digest);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(bytes)), {
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      artifactType: "application/vnd.unknown.artifact.v1",
      config: EMPTY,
      layers: [
        {
          mediaType: "text/plain",
          digest: sha256(text),
          size: text.length,
          annotations: { [TITLE]: "listed.txt" },
        },
        {
          mediaType: "application/octet-stream",
          digest: sha256(zeroes),
          size: zeroes.length,
          annotations: { [TITLE]: "zeroes" },
        },
      ],
    });
    const data = await list.inspect();
    assert.equal(data.mediaType, OCI_INDEX);
    assert.deepEqual(data.manifests, [{
      mediaType: OCI_MANIFEST,
      digest,
      size: bytes.length,
      artifactType: "application/vnd.unknown.artifact.v1",
    }]);
    // Every blob is in the store, byte for byte.
    assert.equal(await blob(sha256(text)), text);
    assert.deepEqual(await store().readBlobBytes(sha256(zeroes)), zeroes);
    assert.equal(await blob(EMPTY.digest), "{}");
    // No temporary file is left where the files were spooled.
    assert.deepEqual(
      (await readdir(join(dir, "store", "tmp"))).filter((n) => n.includes("artifact")),
      [],
    );
  });

  it("follows the type, config, layer type, title and annotation options", async () => {
    const list = await runtime.createManifestList("localhost/art:options");
    const config = '{"hello":"world"}';
    const digest = await list.addArtifact({
      type: "application/vnd.example.thing",
      config,
      layerType: "application/vnd.example.layer",
      excludeTitles: true,
      annotations: { "org.example.k": "v" },
    }, [join(files, "listed.txt")]);
    const manifest = await stored(digest);
    assert.equal(manifest.artifactType, "application/vnd.example.thing");
    assert.deepEqual(manifest.config, {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: sha256(config),
      size: config.length,
      data: btoa(config),
    });
    assert.equal(await blob(sha256(config)), config);
    assert.deepEqual(manifest.layers, [{
      mediaType: "application/vnd.example.layer",
      digest: sha256(text),
      size: text.length,
    }]);
    assert.deepEqual(manifest.annotations, { "org.example.k": "v" });

    // An empty type leaves artifactType out; a config type with no config keeps `{}`.
    const untyped = await list.addArtifact({ type: "", configType: "text/plain" }, [
      join(files, "zeroes"),
    ]);
    const second = await stored(untyped);
    assert.equal("artifactType" in second, false);
    assert.deepEqual(second.config, { ...EMPTY, mediaType: "text/plain" });
    const entries = (await list.inspect()).manifests;
    assert.equal(entries[1].artifactType, undefined);
    assert.equal(entries[0].artifactType, "application/vnd.example.thing");
  });

  it("sets the subject from a registry image and from a local list", async () => {
    const list = await runtime.createManifestList("localhost/art:subject");
    const digest = await list.addArtifact({ subject: `${registry.registry}/subject:v1` }, [
      join(files, "listed.txt"),
    ]);
    assert.deepEqual((await stored(digest)).subject, {
      mediaType: image.manifest.mediaType,
      digest: image.manifest.digest,
      size: image.manifest.bytes.length,
    });
    const other = await runtime.createManifestList("localhost/art:other");
    const onList = await list.addArtifact({ subject: "localhost/art:other" }, []);
    const record = await store().imageById(other.id);
    const manifest = await stored(onList);
    assert.deepEqual(manifest.subject, {
      mediaType: record!.manifestMediaType,
      digest: record!.manifestDigest,
      size: (await store().readBlobBytes(record!.manifestDigest)).length,
    });
    // No file: the empty descriptor is the only layer.
    assert.deepEqual(manifest.layers, [EMPTY]);
  });

  it("keeps the blobs through gc while listed, drops them once removed", async () => {
    const list = await runtime.createManifestList("localhost/art:gc");
    const unique = join(files, "unique.bin");
    const content = crypto.getRandomValues(new Uint8Array(4096));
    await writeFile(unique, content);
    const digest = await list.addArtifact({}, [unique]);
    await store().gc();
    assert.deepEqual(await store().readBlobBytes(sha256(content)), content);
    assert.ok(await store().hasBlob(digest));
    assert.deepEqual(await store().check(), []);
    await list.removeInstance(digest);
    const removed = await store().gc();
    assert.ok(removed.includes(sha256(content)), "the layer went with the entry");
    assert.ok(removed.includes(digest));
  });

  it("pushes the artifact with the list; skopeo and RegistryClient read it back", async () => {
    const list = await runtime.createManifestList("localhost/art:push");
    const digest = await list.addArtifact({ type: "text/plain" }, [
      join(files, "listed.txt"),
      join(files, "zeroes"),
    ]);
    const pushed = await list.push(`${registry.registry}/art/push:v1`, { selection: "all" });
    const index = skopeoJson(`${registry.registry}/art/push:v1`);
    assert.equal(index.mediaType, OCI_INDEX);
    assert.deepEqual(index.manifests?.map((m) => [m.digest, m.artifactType]), [
      [digest, "text/plain"],
    ]);
    const raw = skopeoRaw(`${registry.registry}/art/push@${digest}`);
    assert.equal(sha256(raw), digest, "the artifact manifest went byte for byte");
    const client = new RegistryClient({ registry: registry.registry, insecure: true });
    assert.equal((await client.getManifest("art/push", "v1")).digest, pushed);
    const artifact = JSON.parse(raw) as Json;
    for (const layer of [artifact.config as Record<string, unknown>, ...artifact.layers!]) {
      const stream = await client.getBlob("art/push", layer.digest as string);
      const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
      assert.equal(sha256(bytes), layer.digest);
      assert.equal(bytes.length, layer.size);
    }
  });

  it("fails on a missing file, a directory or an unknown subject, changing nothing", async () => {
    const list = await runtime.createManifestList("localhost/art:hostile");
    await list.addArtifact({}, [join(files, "listed.txt")]);
    const before = await snapshot(join(dir, "store"));
    const inspected = await list.inspect();
    const fresh = join(files, "fresh.bin");
    await writeFile(fresh, crypto.getRandomValues(new Uint8Array(1000)));

    const missing = join(files, "no-such-file");
    await assert.rejects(list.addArtifact({}, [fresh, missing]), (error: unknown) => {
      assert.ok(error instanceof ArtifactFileError);
      assert.equal(error.code, "ArtifactFile");
      assert.equal(error.path, missing);
      assert.equal(error.message, `Cannot add artifact file "${missing}": no such file`);
      return true;
    });
    const directory = join(files, "a-directory");
    await assert.rejects(list.addArtifact({}, [fresh, directory]), (error: unknown) => {
      assert.ok(error instanceof ArtifactFileError);
      assert.equal(
        error.message,
        `Cannot add artifact file "${directory}": not a regular file`,
      );
      return true;
    });
    const subject = `${registry.registry}/no-such/subject:v1`;
    await assert.rejects(list.addArtifact({ subject, retries: 0 }, [fresh]), (error: unknown) => {
      assert.ok(error instanceof ImageNotFoundError);
      assert.match(error.message, /no-such\/subject:v1/);
      return true;
    });
    assert.deepEqual(await list.inspect(), inspected);
    assert.deepEqual(await snapshot(join(dir, "store")), before);
  });
});
