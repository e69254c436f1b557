// The `/v2/` endpoint over the local store: skopeo copies to and from it, and the
// storage's naming rules.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { imageNameOf, repositoryOf } from "../../src/server/mod.ts";
import { run, type ServerEnv, startServerEnv } from "./_server_env.ts";

let env: ServerEnv;
let host: string;

function skopeo(args: string[]) {
  return run("/usr/bin/skopeo", ["--insecure-policy", ...args], {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: env.dir,
  });
}

before(async () => {
  env = await startServerEnv();
  host = env.server.url.replace("http://", "");
});

after(async () => {
  await env?.stop();
});

describe("store registry storage", () => {
  it("maps repositories to image names and back", () => {
    assert.equal(imageNameOf("app", "v1"), "localhost/app:v1");
    assert.equal(imageNameOf("docker.io/library/alpine", "3"), "docker.io/library/alpine:3");
    assert.equal(imageNameOf("UPPER", "v1"), undefined);
    assert.equal(repositoryOf("localhost/app:v1"), "app");
    assert.equal(repositoryOf("docker.io/library/alpine:3"), "docker.io/library/alpine");
    assert.equal(repositoryOf("127.0.0.1:5000/app:v1"), undefined);
  });

  it("receives a skopeo push as a local image", async () => {
    const result = await skopeo([
      "copy",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      `docker://${env.registry.registry}/app:v1`,
      `docker://${host}/pushed/app:v1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const found = await env.runtime.lookupImage("localhost/pushed/app:v1");
    assert.equal(found.image.id, env.images.app.config.digest.slice(7));
    const tags = await (await fetch(`${env.server.url}/v2/pushed/app/tags/list`)).json();
    assert.deepEqual(tags, { name: "pushed/app", tags: ["v1"] });
    const catalog = await (await fetch(`${env.server.url}/v2/_catalog`)).json();
    assert.ok(catalog.repositories.includes("pushed/app"));
  });

  it("serves a local image to skopeo, byte for byte", async () => {
    const dest = join(env.dir, "layout");
    const result = await skopeo([
      "copy",
      "--src-tls-verify=false",
      `docker://${host}/pushed/app:v1`,
      `oci:${dest}:v1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const index = JSON.parse(await readFile(join(dest, "index.json"), "utf8"));
    assert.equal(index.manifests[0].digest, env.images.app.manifest.digest);
    for (const layer of env.images.app.layers) {
      const bytes = await readFile(join(dest, "blobs", "sha256", layer.digest.slice(7)));
      assert.equal(bytes.length, layer.size);
    }
  });

  it("round-trips an OCI layout back into the store under a new tag", async () => {
    const result = await skopeo([
      "copy",
      "--dest-tls-verify=false",
      `oci:${join(env.dir, "layout")}:v1`,
      `docker://${host}/roundtrip:v2`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const found = await env.runtime.lookupImage("localhost/roundtrip:v2");
    assert.equal(found.image.manifestDigest, env.images.app.manifest.digest);
  });

  it("keeps what an earlier tag serves when the image is pushed again in Docker format", async () => {
    const digestOf = async (path: string) => {
      const response = await fetch(`${env.server.url}/v2/${path}`, {
        headers: {
          accept: [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
          ].join(", "),
        },
      });
      assert.equal(response.status, 200, path);
      await response.body?.cancel();
      return response.headers.get("docker-content-digest");
    };
    const before = await digestOf("pushed/app/manifests/v1");
    assert.equal(before, env.images.app.manifest.digest);
    const result = await skopeo([
      "copy",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      "--format",
      "v2s2",
      `docker://${host}/pushed/app:v1`,
      `docker://${host}/docker-format/app:v1`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    const converted = await digestOf("docker-format/app/manifests/v1");
    assert.notEqual(converted, before, "the Docker-format push is another manifest");
    // The earlier tag still serves the manifest it was pushed with; the image has both.
    assert.equal(await digestOf("pushed/app/manifests/v1"), before);
    const { image } = await env.runtime.lookupImage("localhost/pushed/app:v1");
    assert.ok(image.digests.includes(before!) && image.digests.includes(converted!));
  });

  it("answers unknown manifests and blobs with registry errors", async () => {
    const manifest = await fetch(`${env.server.url}/v2/nothing/manifests/v1`);
    assert.equal(manifest.status, 404);
    assert.equal((await manifest.json()).errors[0].code, "MANIFEST_UNKNOWN");
    const blob = await fetch(`${env.server.url}/v2/nothing/blobs/sha256:${"0".repeat(64)}`);
    assert.equal(blob.status, 404);
    await blob.body?.cancel();
  });

  it("refuses a blob whose digest does not match", async () => {
    const start = await fetch(`${env.server.url}/v2/bad/blobs/uploads/`, { method: "POST" });
    assert.equal(start.status, 202);
    const location = start.headers.get("location")!;
    const put = await fetch(`${env.server.url}${location}?digest=sha256:${"1".repeat(64)}`, {
      method: "PUT",
      body: new TextEncoder().encode("not matching"),
    });
    assert.equal(put.status, 400);
    assert.equal((await put.json()).errors[0].code, "DIGEST_INVALID");
  });
});
