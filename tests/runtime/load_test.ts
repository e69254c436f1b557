import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { InvalidArchiveError, LoadError } from "../../src/errors.ts";
import type { Runtime } from "../../src/runtime/mod.ts";
import { writeTarAtomic } from "../../src/transports/_tar/mod.ts";
import { randomImage, sha256, tarOf } from "../helpers/random_image.ts";
import { type ArchiveEnv, collectEvents, startArchiveEnv, storeState } from "./_archive_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

function skopeo(...args: string[]): void {
  execFileSync("skopeo", ["--insecure-policy", ...args], { stdio: "ignore" });
}

/** Asserts that loading `path` fails with a LoadError and leaves the store as it was. */
async function assertRefused(runtime: Runtime, path: string): Promise<LoadError> {
  const before = await storeState(runtime);
  const error = await runtime.load(path).then(
    () => assert.fail("the load succeeded"),
    (error: unknown) => error,
  );
  assert.ok(error instanceof LoadError, String(error));
  assert.match(error.message, /payload does not match any of the supported image formats:/);
  assert.deepEqual(error.errors.map((failure) => failure.format), [
    "oci",
    "oci-archive",
    "docker-archive",
    "dir",
  ]);
  assert.deepEqual(await storeState(runtime), before);
  return error;
}

describe("load", () => {
  it("loads what skopeo writes (docker-archive, oci-archive, oci layout, dir)", async () => {
    const source = await env.open();
    const { record } = await env.add(source, "docker.io/library/from-skopeo:3");
    const layout = join(env.dir, "skopeo-src");
    await source.save(["from-skopeo:3"], { format: "oci-dir", output: layout });
    const outputs: [string, string, string[]][] = [
      ["docker-archive", join(env.dir, "sk-docker.tar"), ["docker.io/library/sk:1"]],
      ["oci-archive", join(env.dir, "sk-oci.tar"), ["localhost/sk:2"]],
      ["oci", join(env.dir, "sk-layout"), ["docker.io/library/from-skopeo:3"]],
      ["dir", join(env.dir, "sk-dir"), [`sha256:${record.id}`]],
    ];
    skopeo(
      "copy",
      `oci:${layout}:docker.io/library/from-skopeo:3`,
      `docker-archive:${outputs[0][1]}:sk:1`,
    );
    skopeo(
      "copy",
      `oci:${layout}:docker.io/library/from-skopeo:3`,
      `oci-archive:${outputs[1][1]}:sk:2`,
    );
    skopeo(
      "copy",
      `oci:${layout}:docker.io/library/from-skopeo:3`,
      `oci:${outputs[2][1]}:docker.io/library/from-skopeo:3`,
    );
    skopeo("copy", `oci:${layout}:docker.io/library/from-skopeo:3`, `dir:${outputs[3][1]}`);
    for (const [format, path, names] of outputs) {
      const target = await env.open();
      const watch = collectEvents(target);
      assert.deepEqual(await target.load(path), names, format);
      await watch.stop();
      assert.deepEqual(watch.events.map((e) => [e.type, e.id, e.name]), [
        ["load", record.id, path],
      ]);
      assert.equal((await runtimeParts(target).store.images())[0].id, record.id, format);
    }
  });

  it("loads a buildkit hybrid archive as OCI, named from io.containerd.image.name", async () => {
    const image = randomImage({ layers: 1, layerSize: 100 });
    const enc = new TextEncoder();
    const index = {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.index.v1+json",
      manifests: [{
        mediaType: image.manifest.mediaType,
        digest: image.manifest.digest,
        size: image.manifest.bytes.length,
        annotations: {
          "io.containerd.image.name": "docker.io/library/buildkit:v1",
          "org.opencontainers.image.ref.name": "v1",
        },
      }],
    };
    const blob = (digest: string) => `blobs/sha256/${digest.slice(7)}`;
    const path = join(env.dir, "buildkit.tar");
    await writeTarAtomic(env.fs, path, [
      { path: "oci-layout", kind: "file", body: enc.encode('{"imageLayoutVersion":"1.0.0"}') },
      { path: "index.json", kind: "file", body: enc.encode(JSON.stringify(index)) },
      {
        path: "manifest.json",
        kind: "file",
        body: enc.encode(JSON.stringify([{
          Config: blob(image.config.digest),
          RepoTags: ["buildkit:v1"],
          Layers: image.layers.map((layer) => blob(layer.digest)),
        }])),
      },
      { path: blob(image.manifest.digest), kind: "file", body: image.manifest.bytes },
      ...[...image.blobs].map(([digest, bytes]) => ({
        path: blob(digest),
        kind: "file" as const,
        body: bytes,
      })),
    ]);
    const runtime = await env.open();
    assert.deepEqual(await runtime.load(path), ["docker.io/library/buildkit:v1"]);
    const [record] = await runtimeParts(runtime).store.images();
    assert.equal(record.manifestDigest, image.manifest.digest);
  });

  it("loads every image of a multi-image layout; unnamed ones by ID", async () => {
    const source = await env.open();
    const a = await env.add(source, "localhost/first:latest");
    const b = await env.add(source, "localhost/second:latest");
    const layout = join(env.dir, "multi-layout");
    await source.save(["first"], { format: "oci-dir", output: layout });
    await source.save([b.record.id], { format: "oci-dir", output: layout });
    const target = await env.open();
    assert.deepEqual(await target.load(layout), [
      "localhost/first:latest",
      `sha256:${b.record.id}`,
    ]);
    const ids = (await runtimeParts(target).store.images()).map((record) => record.id).sort();
    assert.deepEqual(ids, [a.record.id, b.record.id].sort());
  });

  it("loads a stream", async () => {
    const source = await env.open();
    const { record } = await env.add(source, "localhost/piped:latest");
    const path = join(env.dir, "piped.tar");
    await source.save(["piped"], { format: "oci-archive", output: path });
    const target = await env.open();
    const stream = new Blob([await readFile(path)]).stream();
    assert.deepEqual(await target.load(stream), ["localhost/piped:latest"]);
    assert.equal((await runtimeParts(target).store.images())[0].id, record.id);
  });

  it("refuses a path-traversal archive with the store unchanged", async () => {
    const runtime = await env.open();
    await env.add(runtime, "localhost/existing:latest");
    const path = join(env.dir, "evil.tar");
    await writeFile(path, tarOf("../../evil", new TextEncoder().encode("x")));
    const error = await assertRefused(runtime, path);
    const archive = error.errors.find((failure) => failure.format === "oci-archive")!.error;
    assert.ok(archive instanceof InvalidArchiveError);
    assert.equal(archive.reason, "PathEscape");
  });

  it("refuses truncated and tampered payloads with the store unchanged", async () => {
    const runtime = await env.open();
    await env.add(runtime, "localhost/kept:latest");
    const source = await env.open();
    const { image } = await env.add(source, "localhost/victim:latest", { layers: 3 });
    const archive = join(env.dir, "victim.tar");
    await source.save(["victim"], { format: "docker-archive", output: archive });
    const bytes = await readFile(archive);
    const truncated = join(env.dir, "truncated.tar");
    await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 2)));
    await assertRefused(runtime, truncated);
    // A layout whose last layer does not match its digest: the first layers verify fine,
    // but none of them may stay in the store.
    const layout = join(env.dir, "tampered");
    await source.save(["victim"], { format: "oci-dir", output: layout });
    const last = image.layers[2].digest;
    await writeFile(join(layout, "blobs", "sha256", last.slice(7)), new Uint8Array(10));
    assert.notEqual(sha256(new Uint8Array(10)), last);
    await assertRefused(runtime, layout);
  });

  it("refuses garbage and missing paths, listing every format's reason", async () => {
    const runtime = await env.open();
    const garbage = join(env.dir, "garbage.bin");
    await writeFile(garbage, new Uint8Array(4096).fill(7));
    await assertRefused(runtime, garbage);
    await assertRefused(runtime, join(env.dir, "does-not-exist"));
    await assert.rejects(runtime.load(""), TypeError);
  });
});
