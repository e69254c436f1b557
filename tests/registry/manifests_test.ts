import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DigestMismatchError,
  InvalidManifestError,
  InvalidReferenceError,
  ManifestUnknownError,
} from "../../src/errors.ts";
import { MANIFEST_ACCEPT } from "../../src/registry/_manifests.ts";
import { bytesOf, ociManifest, randomBytes, setup, sha256 } from "./_fixtures.ts";

const OCI = "application/vnd.oci.image.manifest.v1+json";
const DOCKER = "application/vnd.docker.distribution.manifest.v2+json";
const manifest = ociManifest(bytesOf('{"architecture":"amd64"}'), [randomBytes(10)]);

function pusher() {
  return setup({ users: { u: "p" } }, { credentials: { username: "u", password: "p" } });
}

function b64url(text: string): string {
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

describe("registry manifests", () => {
  it("gets a manifest by tag with its media type and digest", async () => {
    const { fake, client } = setup();
    fake.seedManifest("a/b", manifest, OCI, "1.0");
    const got = await client.getManifest("a/b", "1.0");
    assert.deepEqual(got, { bytes: manifest, mediaType: OCI, digest: sha256(manifest) });
    const [get] = fake.seen(fake.host, "/manifests/");
    const accepted = (get.headers.get("accept") ?? "").split(",").map((s) => s.trim());
    assert.deepEqual(accepted, [...MANIFEST_ACCEPT]);
    assert.equal(accepted.length, 6);
  });

  it("gets a manifest by digest and verifies it", async () => {
    const { fake, client } = setup();
    const digest = fake.seedManifest("a/b", manifest, OCI);
    assert.equal((await client.getManifest("a/b", digest)).digest, digest);
    // The registry now serves other bytes under that digest.
    const other = ociManifest(bytesOf("{}"), []);
    fake.manifests.get("a/b")!.set(digest, { bytes: other, mediaType: OCI });
    const error = await client.getManifest("a/b", digest).catch((e: unknown) => e);
    assert.ok(error instanceof DigestMismatchError);
    assert.equal(error.expected, digest);
    assert.equal(error.actual, sha256(other));
  });

  it("tells the media type from the bytes when Content-Type does not", async () => {
    const { fake, client } = setup();
    const docker = bytesOf(JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER,
      config: { mediaType: "application/vnd.docker.container.image.v1+json" },
      layers: [],
    }));
    fake.seedManifest("a/b", docker, "application/json", "docker");
    fake.seedManifest("a/b", manifest, "text/plain; charset=utf-8", "oci");
    assert.equal((await client.getManifest("a/b", "docker")).mediaType, DOCKER);
    assert.equal((await client.getManifest("a/b", "oci")).mediaType, OCI);
  });

  it("computes a signed schema 1 manifest's digest over its signed payload", async () => {
    const { fake, client } = setup();
    const payload = '{\n   "schemaVersion": 1,\n   "name": "a/b",\n   "tag": "1",\n' +
      '   "architecture": "amd64",\n   "fsLayers": [],\n   "history": []\n}';
    const formatLength = payload.length - 2;
    const protectedHeader = b64url(JSON.stringify({ formatLength, formatTail: b64url("\n}") }));
    const signed = payload.slice(0, formatLength) +
      `,\n   "signatures": [{"header": {}, "signature": "x", "protected": "${protectedHeader}"}]\n}`;
    const bytes = bytesOf(signed);
    const digest = sha256(bytesOf(payload));
    fake.manifests.set("a/b", new Map([[digest, { bytes, mediaType: "application/json" }]]));
    const got = await client.getManifest("a/b", digest);
    assert.equal(got.mediaType, "application/vnd.docker.distribution.manifest.v1+prettyjws");
    assert.equal(got.digest, digest);
    assert.notEqual(sha256(bytes), digest);
  });

  it("refuses a manifest larger than 4 MiB", async () => {
    const { fake, client } = setup();
    const huge = bytesOf(JSON.stringify({ schemaVersion: 2, pad: "x".repeat(4 * 1024 * 1024) }));
    fake.seedManifest("a/b", huge, OCI, "big");
    await assert.rejects(client.getManifest("a/b", "big"), InvalidManifestError);
  });

  it("describes a manifest with HEAD, or says it is absent", async () => {
    const { fake, client } = setup();
    const digest = fake.seedManifest("a/b", manifest, OCI, "1");
    assert.deepEqual(await client.headManifest("a/b", "1"), {
      mediaType: OCI,
      digest,
      size: manifest.byteLength,
    });
    assert.equal(await client.headManifest("a/b", "2"), undefined);
    assert.equal(await client.headManifest("c/d", "1"), undefined);
  });

  it("falls back to GET when HEAD does not tell the digest", async () => {
    const { fake, client } = setup();
    const digest = fake.seedManifest("a/b", manifest, OCI, "1");
    fake.addFault({ method: "HEAD", path: "/manifests/", fault: { status: 200 } });
    const head = await client.headManifest("a/b", "1");
    assert.equal(head?.digest, digest);
    assert.deepEqual(fake.seen(fake.host, "/manifests/").map((r) => r.method), ["HEAD", "GET"]);
  });

  it("puts a manifest by tag and by digest", async () => {
    const { fake, client } = pusher();
    const digest = await client.putManifest("a/b", "v1", manifest, OCI);
    assert.equal(digest, sha256(manifest));
    assert.deepEqual(fake.manifests.get("a/b")?.get("v1")?.bytes, manifest);
    assert.equal(fake.manifests.get("a/b")?.get("v1")?.mediaType, OCI);
    assert.equal(await client.putManifest("a/c", digest, manifest, OCI), digest);
    const wrong = sha256(bytesOf("other"));
    const before = fake.requests.length;
    await assert.rejects(client.putManifest("a/c", wrong, manifest, OCI), DigestMismatchError);
    assert.equal(fake.requests.length, before);
  });

  it("deletes a manifest", async () => {
    const { fake, client } = pusher();
    const digest = fake.seedManifest("a/b", manifest, OCI, "1");
    await client.deleteManifest("a/b", digest);
    await assert.rejects(client.getManifest("a/b", "1"), ManifestUnknownError);
    await assert.rejects(client.deleteManifest("a/b", digest), ManifestUnknownError);
    const scopes = fake.seen(fake.authHost).flatMap((r) => r.url.searchParams.getAll("scope"));
    assert.ok(scopes.includes("repository:a/b:delete"));
  });

  it("refuses bad tags and names before sending anything", async () => {
    const { fake, client } = setup();
    await assert.rejects(client.getManifest("a/b", "-bad"), InvalidReferenceError);
    await assert.rejects(client.getManifest("a/b", "x".repeat(129)), InvalidReferenceError);
    await assert.rejects(client.getManifest("a//b", "1"), InvalidReferenceError);
    await assert.rejects(client.headManifest("", "1"), InvalidReferenceError);
    await assert.rejects(client.putManifest("a/b", "t?x=1", manifest, OCI), InvalidReferenceError);
    assert.equal(fake.requests.length, 0);
  });
});
