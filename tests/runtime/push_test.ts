import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { ImageNotFoundError } from "../../src/errors.ts";
import { listDockerArchiveImages } from "../../src/transports/docker_archive/mod.ts";
import { tarOf } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { type ArchiveEnv, collectEvents, startArchiveEnv } from "./_archive_env.ts";

let env: ArchiveEnv;
let registry: RegistryServer;
before(async () => {
  env = await startArchiveEnv();
  registry = await startRegistry();
});
after(async () => {
  await registry?.stop();
  await env?.stop();
});

describe("push", () => {
  it("pushes to a registry and pulls the same image back", async () => {
    const runtime = await env.open();
    const { record } = await env.add(runtime, "localhost/pushed:1");
    const destination = `${registry.registry}/team/pushed:1`;
    const watch = collectEvents(runtime);
    const digest = await runtime.push("pushed:1", destination, { tlsVerify: false });
    await watch.stop();
    assert.deepEqual(watch.events.map((e) => [e.type, e.id, e.name]), [
      ["push", record.id, destination],
    ]);
    const head = await fetch(`${registry.url}/v2/team/pushed/manifests/1`, {
      method: "HEAD",
      headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
    });
    assert.equal(head.headers.get("docker-content-digest"), digest);
    const other = await env.open();
    const [pulled] = await other.pull(`docker://${destination}`, {
      policy: "always",
      tlsVerify: false,
    });
    assert.equal(pulled.id, record.id);
    assert.equal(pulled.manifestDigest, digest);
  });

  it("pushes to the resolved name when no destination is given", async () => {
    const runtime = await env.open();
    const name = `${registry.registry}/self/named:2`;
    const { record } = await env.add(runtime, name);
    const digest = await runtime.push(name, "", {
      tlsVerify: false,
      manifestType: "application/vnd.docker.distribution.manifest.v2+json",
    });
    const response = await fetch(`${registry.url}/v2/self/named/manifests/2`, {
      headers: { accept: "application/vnd.docker.distribution.manifest.v2+json" },
    });
    assert.equal(response.headers.get("docker-content-digest"), digest);
    const manifest = await response.json();
    assert.equal(manifest.mediaType, "application/vnd.docker.distribution.manifest.v2+json");
    assert.equal(manifest.config.digest, `sha256:${record.id}`);
  });

  it("tags a docker-archive destination with the resolved name; zstd is dropped", async () => {
    const runtime = await env.open();
    await env.add(runtime, "quay.io/org/archived:3");
    const path = join(env.dir, "pushed-archive.tar");
    await runtime.push("quay.io/org/archived:3", `docker-archive:${path}`, {
      compressionFormat: "zstd",
    });
    const [image] = await listDockerArchiveImages(env.fs, path);
    assert.deepEqual(image.repoTags, ["quay.io/org/archived:3"]);
  });

  it("compresses an uncompressed stored layer at the compressionLevel asked for", async () => {
    const runtime = await env.open();
    const text = new TextEncoder().encode(
      "a layer of words, pushed again and again. ".repeat(5000),
    );
    await env.add(runtime, "localhost/plain:1", {
      layerTars: [tarOf("words.txt", text)],
      compress: false,
    });
    const pushed = async (level: number) => {
      const destination = `${registry.registry}/levels/plain:${level}`;
      const digest = await runtime.push("plain:1", destination, {
        tlsVerify: false,
        compressionLevel: level,
      });
      const response = await fetch(`${registry.url}/v2/levels/plain/manifests/${digest}`, {
        headers: { accept: "application/vnd.oci.image.manifest.v1+json" },
      });
      const [layer] = (await response.json()).layers;
      assert.equal(layer.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
      return layer.size as number;
    };
    const stored = await pushed(0);
    const smallest = await pushed(9);
    assert.ok(stored > text.length, `level 0 stores (${stored} > ${text.length})`);
    assert.ok(smallest * 20 < text.length, `level 9 compresses (${smallest})`);
    await assert.rejects(
      runtime.push("plain:1", `${registry.registry}/levels/plain:bad`, {
        tlsVerify: false,
        compressionLevel: 12,
      }),
      RangeError,
    );
  });

  it("writes the push event even when the push fails", async () => {
    const runtime = await env.open();
    const { record } = await env.add(runtime, "localhost/failing:1");
    const watch = collectEvents(runtime);
    await assert.rejects(
      runtime.push("failing:1", "127.0.0.1:1/nowhere/failing:1", {
        tlsVerify: false,
        retries: 0,
      }),
    );
    await assert.rejects(runtime.push("missing-image"), ImageNotFoundError);
    await assert.rejects(
      runtime.push("failing:1", "x/y:1", { credentials: "a:b", username: "c" }),
      TypeError,
    );
    await watch.stop();
    // The failed push counts; the missing image and the bad options never got that far.
    assert.deepEqual(watch.events.map((e) => [e.type, e.id, e.name]), [
      ["push", record.id, "127.0.0.1:1/nowhere/failing:1"],
    ]);
  });
});
