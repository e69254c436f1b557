import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { distributionApp, MemoryRegistryStorage } from "../../src/server/distribution/mod.ts";

function sha256(data: Uint8Array): string {
  return "sha256:" + createHash("sha256").update(data).digest("hex");
}

const encoder = new TextEncoder();

async function pushBlob(
  app: ReturnType<typeof distributionApp>,
  repo: string,
  data: Uint8Array<ArrayBuffer>,
) {
  const digest = sha256(data);
  const response = await app.request(`/v2/${repo}/blobs/uploads/?digest=${digest}`, {
    method: "POST",
    body: data,
  });
  assert.equal(response.status, 201);
  return digest;
}

async function pushImage(app: ReturnType<typeof distributionApp>, repo: string, tag: string) {
  const config = encoder.encode(JSON.stringify({ architecture: "amd64", os: "linux" }));
  const layer = crypto.getRandomValues(new Uint8Array(1000));
  const configDigest = await pushBlob(app, repo, config);
  const layerDigest = await pushBlob(app, repo, layer);
  const manifest = encoder.encode(JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: configDigest,
      size: config.byteLength,
    },
    layers: [{
      mediaType: "application/vnd.oci.image.layer.v1.tar",
      digest: layerDigest,
      size: layer.byteLength,
    }],
  }));
  const response = await app.request(`/v2/${repo}/manifests/${tag}`, {
    method: "PUT",
    body: manifest,
    headers: { "content-type": "application/vnd.oci.image.manifest.v1+json" },
  });
  assert.equal(response.status, 201);
  return { manifest, layer, layerDigest, manifestDigest: sha256(manifest) };
}

describe("distribution endpoint", () => {
  it("answers the /v2/ ping with the API version header", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const response = await app.request("/v2/");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("docker-distribution-api-version"), "registry/2.0");
  });

  it("round-trips a pushed image byte for byte, by tag and by digest", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const image = await pushImage(app, "library/app", "v1");
    for (const reference of ["v1", image.manifestDigest]) {
      const response = await app.request(`/v2/library/app/manifests/${reference}`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("docker-content-digest"), image.manifestDigest);
      assert.deepEqual(new Uint8Array(await response.arrayBuffer()), image.manifest);
    }
    const blob = await app.request(`/v2/library/app/blobs/${image.layerDigest}`);
    assert.deepEqual(new Uint8Array(await blob.arrayBuffer()), image.layer);
  });

  it("serves ranged blob reads for resumed downloads", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const image = await pushImage(app, "app", "v1");
    const response = await app.request(`/v2/app/blobs/${image.layerDigest}`, {
      headers: { range: "bytes=400-" },
    });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-range"), "bytes 400-999/1000");
    assert.deepEqual(new Uint8Array(await response.arrayBuffer()), image.layer.slice(400));
  });

  it("accepts chunked uploads and rejects a chunk at the wrong offset", async () => {
    const app = distributionApp(new MemoryRegistryStorage(), { chunkMinLength: 10 });
    const data = crypto.getRandomValues(new Uint8Array(300));
    const start = await app.request("/v2/app/blobs/uploads/", { method: "POST" });
    assert.equal(start.status, 202);
    assert.equal(start.headers.get("oci-chunk-min-length"), "10");
    const location = start.headers.get("location")!;
    const first = await app.request(location, {
      method: "PATCH",
      body: data.slice(0, 100),
      headers: { "content-range": "0-99" },
    });
    assert.equal(first.status, 202);
    assert.equal(first.headers.get("range"), "0-99");
    const wrong = await app.request(location, {
      method: "PATCH",
      body: data.slice(100, 200),
      headers: { "content-range": "150-249" },
    });
    assert.equal(wrong.status, 416);
    const second = await app.request(location, { method: "PATCH", body: data.slice(100, 200) });
    assert.equal(second.status, 202);
    const done = await app.request(`${location}?digest=${sha256(data)}`, {
      method: "PUT",
      body: data.slice(200),
    });
    assert.equal(done.status, 201);
    const head = await app.request(`/v2/app/blobs/${sha256(data)}`, { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), "300");
  });

  it("refuses an upload whose bytes do not match the digest and stores nothing", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const claimed = sha256(encoder.encode("something else"));
    const response = await app.request(`/v2/app/blobs/uploads/?digest=${claimed}`, {
      method: "POST",
      body: encoder.encode("actual bytes"),
    });
    assert.equal(response.status, 400);
    assert.equal((await response.json()).errors[0].code, "DIGEST_INVALID");
    const head = await app.request(`/v2/app/blobs/${claimed}`, { method: "HEAD" });
    assert.equal(head.status, 404);
  });

  it("mounts a blob across repositories and falls back to an upload when unknown", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const image = await pushImage(app, "a/src", "v1");
    const mounted = await app.request(
      `/v2/b/dst/blobs/uploads/?mount=${image.layerDigest}&from=a/src`,
      { method: "POST" },
    );
    assert.equal(mounted.status, 201);
    const missing = await app.request(
      `/v2/b/dst/blobs/uploads/?mount=${sha256(encoder.encode("x"))}&from=a/src`,
      { method: "POST" },
    );
    assert.equal(missing.status, 202);
  });

  it("refuses manifests that reference unknown blobs, are not JSON, or are too large", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const unknown = await app.request("/v2/app/manifests/v1", {
      method: "PUT",
      body: JSON.stringify({
        schemaVersion: 2,
        config: { digest: sha256(encoder.encode("nope")), size: 4 },
        layers: [],
      }),
    });
    assert.equal((await unknown.json()).errors[0].code, "MANIFEST_BLOB_UNKNOWN");
    const invalid = await app.request("/v2/app/manifests/v1", { method: "PUT", body: "{" });
    assert.equal((await invalid.json()).errors[0].code, "MANIFEST_INVALID");
    const huge = await app.request("/v2/app/manifests/v1", {
      method: "PUT",
      body: new Uint8Array(4 * 1024 * 1024 + 1),
    });
    assert.equal(huge.status, 413);
  });

  it("rejects invalid repository names and digests without touching storage", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const traversal = await app.request("/v2/..%2F..%2Fetc/manifests/latest");
    assert.equal((await traversal.json()).errors[0].code, "NAME_INVALID");
    const upper = await app.request("/v2/App/manifests/latest");
    assert.equal(upper.status, 400);
    const digest = await app.request("/v2/app/blobs/sha256:abc");
    assert.equal((await digest.json()).errors[0].code, "DIGEST_INVALID");
  });

  it("pages tags and the catalog with Link headers", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    for (const tag of ["a", "b", "c"]) await pushImage(app, "app", tag);
    await pushImage(app, "other", "x");
    const first = await app.request("/v2/app/tags/list?n=2");
    assert.deepEqual((await first.json()).tags, ["a", "b"]);
    const next = /<([^>]+)>/.exec(first.headers.get("link")!)![1];
    const second = await app.request(next);
    assert.deepEqual((await second.json()).tags, ["c"]);
    assert.equal(second.headers.get("link"), null);
    const catalog = await app.request("/v2/_catalog");
    assert.deepEqual((await catalog.json()).repositories, ["app", "other"]);
    const unknown = await app.request("/v2/nothing/tags/list");
    assert.equal(unknown.status, 404);
  });

  it("deletes a manifest by digest together with its tags", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    const image = await pushImage(app, "app", "v1");
    const deleted = await app.request(`/v2/app/manifests/${image.manifestDigest}`, {
      method: "DELETE",
    });
    assert.equal(deleted.status, 202);
    assert.equal((await app.request("/v2/app/manifests/v1")).status, 404);
  });

  it("answers the v1 search API with matching repositories", async () => {
    const app = distributionApp(new MemoryRegistryStorage());
    await pushImage(app, "team/app", "v1");
    await pushImage(app, "team/tool", "v1");
    const response = await app.request("/v1/search?q=app&n=10");
    const body = await response.json();
    assert.equal(body.num_results, 1);
    assert.deepEqual(body.results.map((r: { name: string }) => r.name), ["team/app"]);
    const none = await (await app.request("/v1/search?q=nothing")).json();
    assert.deepEqual(none.results, []);
  });
});
