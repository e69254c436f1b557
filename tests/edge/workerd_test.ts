// The example Worker under the real workerd (from npm): bundled by esbuild for the browser
// platform with nothing external and the WebAssembly kernels as modules, it pulls a
// multi-layer image from the local CNCF registry into memory, serves files from its layers
// and its blobs from `/v2/`; every byte is checked against skopeo's copy of the image.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unpackTar } from "modern-tar";
import { gunzip } from "../../src/compression/mod.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { type EdgeImage, pushEdgeImage } from "./_edge_image.ts";
import { run, startWorkerd, type Workerd } from "./_spawn.ts";

let registry: RegistryServer;
let edge: EdgeImage;
let dir: string;
let worker: Workerd;
/** skopeo's copy: the manifest and the blobs by digest. */
let copied: { manifest: { layers: { digest: string }[] }; manifestDigest: string };

async function skopeoBlob(digest: string): Promise<Uint8Array> {
  return new Uint8Array(await readFile(join(dir, "layout", "blobs", "sha256", digest.slice(7))));
}

/** The file at `path` in skopeo's copy, from the top layer that has it. */
async function skopeoFile(path: string): Promise<Uint8Array | undefined> {
  for (const layer of [...copied.manifest.layers].reverse()) {
    const entries = await unpackTar(gunzip(await skopeoBlob(layer.digest)));
    const found = entries.find((e) => e.header.name === path.slice(1));
    if (found !== undefined) return found.data;
  }
  return undefined;
}

async function get(path: string): Promise<Response> {
  return await fetch(`http://127.0.0.1:${worker.port}${path}`);
}

before(async () => {
  registry = await startRegistry();
  edge = await pushEdgeImage(registry);
  dir = await mkdtemp(join(tmpdir(), "stevedore-workerd-"));
  const build = await run("node", [
    "examples/worker/build.mjs",
    join(dir, "worker"),
    "--image",
    edge.reference,
    "--insecure",
    "--listen",
    "127.0.0.1:0",
  ]);
  assert.equal(build.code, 0, build.stderr);
  const skopeo = await run("skopeo", [
    "copy",
    "--src-tls-verify=false",
    `docker://${edge.reference}`,
    `oci:${join(dir, "layout")}:app`,
  ]);
  assert.equal(skopeo.code, 0, skopeo.stderr);
  const index = JSON.parse(await readFile(join(dir, "layout", "index.json"), "utf8"));
  const manifestDigest = index.manifests[0].digest;
  const manifest = JSON.parse(new TextDecoder().decode(await skopeoBlob(manifestDigest)));
  copied = { manifest, manifestDigest };
  worker = await startWorkerd(join(dir, "worker", "config.capnp"));
});

after(async () => {
  await worker?.stop();
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("the example Worker under workerd", () => {
  it("pulls the image with the WebAssembly kernels loaded as modules", async () => {
    const response = await get("/_stevedore");
    assert.equal(response.status, 200);
    const report = await response.json();
    assert.deepEqual(report.kernels, { sha256: "wasm", inflate: "wasm" });
    assert.equal(`sha256:${report.image.id}`, edge.image.config.digest);
    assert.equal(report.image.manifestDigest, copied.manifestDigest);
  });

  it("serves files from the layers, as skopeo's copy has them", async () => {
    for (const [path, want] of Object.entries(edge.expected)) {
      const response = await get(`/files${path}`);
      if (want === undefined) {
        assert.equal(response.status, 404, path);
        await response.body?.cancel();
        continue;
      }
      assert.equal(response.status, 200, path);
      const got = new Uint8Array(await response.arrayBuffer());
      assert.deepEqual(got, want, path);
    }
    for (const path of ["/etc/motd", "/srv/big.bin", "/www/index.html"]) {
      const got = new Uint8Array(await (await get(`/files${path}`)).arrayBuffer());
      assert.deepEqual(got, await skopeoFile(path), path);
    }
  });

  it("serves the image over /v2/ byte for byte", async () => {
    const manifest = await get("/v2/edge/app/manifests/1");
    assert.equal(manifest.status, 200);
    assert.equal(manifest.headers.get("docker-content-digest"), copied.manifestDigest);
    assert.deepEqual(
      new Uint8Array(await manifest.arrayBuffer()),
      await skopeoBlob(copied.manifestDigest),
    );
    for (const { digest } of copied.manifest.layers) {
      const blob = await get(`/v2/edge/app/blobs/${digest}`);
      assert.equal(blob.status, 200);
      assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), await skopeoBlob(digest));
    }
  });
});
