import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  DigestMismatchError,
  InvalidDigestError,
  InvalidReferenceError,
  RegistryError,
} from "../../src/errors.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { TokenRegistry, type TokenRegistryOptions } from "../helpers/token_registry.ts";
import { randomBytes, readAll, rejection, setup, sha256, streamOf } from "./_fixtures.ts";

describe("registry blobs: reading", () => {
  it("streams a blob and verifies it", async () => {
    const { fake, client } = setup();
    const blob = randomBytes(5000);
    const digest = fake.seedBlob("a/b", blob);
    assert.deepEqual(await readAll(await client.getBlob("a/b", digest)), blob);
    assert.deepEqual(await readAll(await client.getBlob("a/b", digest, { size: 5000 })), blob);
    assert.equal(await client.headBlob("a/b", digest), 5000);
  });

  it("resumes a cut connection with Range", async () => {
    const { fake, client, sleeps } = setup();
    const blob = randomBytes(1000, 7);
    const digest = fake.seedBlob("a/b", blob);
    fake.addFault({ method: "GET", path: "/blobs/", fault: { cutAfter: 100 } });
    fake.addFault({ method: "GET", path: "/blobs/", fault: { cutAfter: 50 } });
    assert.deepEqual(await readAll(await client.getBlob("a/b", digest)), blob);
    const ranges = fake.seen(fake.host, "/blobs/").map((r) => r.headers.get("range"));
    assert.deepEqual(ranges, [null, "bytes=100-", "bytes=150-"]);
    assert.deepEqual(sleeps, [1000, 1000]);
  });

  it("skips what it already has when the registry ignores Range", async () => {
    const { fake, client } = setup();
    const blob = randomBytes(1000, 9);
    const digest = fake.seedBlob("a/b", blob);
    fake.addFault({ method: "GET", path: "/blobs/", fault: { cutAfter: 300 } });
    fake.addFault({ method: "GET", path: "/blobs/", fault: { ignoreRange: true } });
    assert.deepEqual(await readAll(await client.getBlob("a/b", digest)), blob);
  });

  it("gives up after the retry limit with the byte count", async () => {
    const { fake, client } = setup();
    const blob = randomBytes(1000, 3);
    const digest = fake.seedBlob("a/b", blob);
    fake.addFault({ method: "GET", path: "/blobs/", times: 10, fault: { cutAfter: 10 } });
    const stream = await client.getBlob("a/b", digest);
    const error = await rejection(readAll(stream));
    assert.ok(error instanceof RegistryError);
    assert.match(error.message, /connection lost after 40 bytes/);
    assert.equal(fake.seen(fake.host, "/blobs/").length, 4);
  });

  it("resumes a body that stalls longer than readTimeoutMs", async () => {
    const fake = new TokenRegistry();
    const blob = randomBytes(2000, 8);
    const digest = fake.seedBlob("a/b", blob);
    let stalls = 1;
    const stalling = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fake.fetch(input, init);
      if (!String(input).includes("/blobs/") || stalls-- <= 0) return response;
      const head = new Uint8Array(await response.arrayBuffer()).slice(0, 500);
      const body = new ReadableStream<Uint8Array>({
        start: (controller) => controller.enqueue(head),
        pull: () => new Promise(() => {}), // never delivers the rest
      });
      return new Response(body, { headers: response.headers });
    };
    const client = new RegistryClient({
      registry: fake.host,
      fetch: stalling,
      // The stalled body never delivers, so this only needs to exceed the pauses of the
      // healthy in-memory responses, which a busy machine can stretch.
      readTimeoutMs: 1000,
      sleep: () => Promise.resolve(),
    });
    assert.deepEqual(await readAll(await client.getBlob("a/b", digest)), blob);
    const ranges = fake.seen(fake.host, "/blobs/").map((r) => r.headers.get("range"));
    assert.deepEqual(ranges, [null, "bytes=500-"]);
  });

  it("rejects wrong bytes with DigestMismatchError", async () => {
    const { fake, client } = setup();
    const blob = randomBytes(4096, 5);
    const digest = fake.seedBlob("a/b", blob);
    fake.addFault({ method: "GET", path: "/blobs/", fault: { corrupt: true } });
    const error = await rejection(readAll(await client.getBlob("a/b", digest)));
    assert.ok(error instanceof DigestMismatchError);
    assert.equal(error.expected, digest);
    assert.notEqual(error.actual, digest);
  });

  it("rejects a blob of the wrong size", async () => {
    const { fake, client } = setup();
    const blob = randomBytes(100, 2);
    const digest = fake.seedBlob("a/b", blob);
    await assert.rejects(
      readAll(await client.getBlob("a/b", digest, { size: 99 })),
      DigestMismatchError,
    );
  });

  it("can be cancelled half-way", async () => {
    const { fake, client } = setup();
    const digest = fake.seedBlob("a/b", randomBytes(100_000, 4));
    const reader = (await client.getBlob("a/b", digest)).getReader();
    const first = await reader.read();
    assert.equal(first.done, false);
    await reader.cancel();
  });

  it("refuses bad digests and repository names before sending anything", async () => {
    const { fake, client } = setup();
    await assert.rejects(client.getBlob("a/b", "sha256:abc"), InvalidDigestError);
    await assert.rejects(client.getBlob("a/b", "md5:" + "0".repeat(32)), InvalidDigestError);
    const digest = sha256(randomBytes(1));
    await assert.rejects(client.getBlob("../etc", digest), InvalidReferenceError);
    await assert.rejects(client.getBlob("A/B", digest), InvalidReferenceError);
    assert.equal(fake.requests.length, 0);
  });
});

/** A client with push rights on a Bearer registry. */
function pusher(options: TokenRegistryOptions = {}) {
  return setup({ users: { u: "p" }, ...options }, {
    credentials: { username: "u", password: "p" },
  });
}

describe("registry blobs: uploading", () => {
  it("uploads bytes in one PUT", async () => {
    const { fake, client } = pusher();
    const blob = randomBytes(3000, 11);
    const digest = sha256(blob);
    await client.putBlob("a/b", digest, blob.byteLength, blob);
    assert.deepEqual(fake.blobs.get(digest), blob);
    const methods = fake.seen(fake.host, "/blobs/uploads/").map((r) => r.method);
    assert.deepEqual(methods, ["POST", "PUT"]);
    const put = fake.seen(fake.host, "/blobs/uploads/").at(-1)!;
    assert.equal(put.url.searchParams.get("digest"), digest);
    assert.equal(put.url.searchParams.get("_state"), "s0");
  });

  it("uploads a stream in one PUT", async () => {
    const { fake, client } = pusher();
    const blob = randomBytes(3000, 12);
    const digest = sha256(blob);
    await client.putBlob("a/b", digest, blob.byteLength, streamOf(blob, 128));
    assert.deepEqual(fake.blobs.get(digest), blob);
  });

  it("uploads in PATCH chunks with Content-Range", async () => {
    const { fake, client } = pusher();
    const blob = randomBytes(35, 13);
    const digest = sha256(blob);
    await client.putBlob("a/b", digest, 35, blob, { chunkSize: 10 });
    assert.deepEqual(fake.blobs.get(digest), blob);
    const requests = fake.seen(fake.host, "/blobs/uploads/");
    assert.deepEqual(requests.map((r) => r.method), [
      "POST",
      "PATCH",
      "PATCH",
      "PATCH",
      "PATCH",
      "PUT",
    ]);
    assert.deepEqual(
      requests.filter((r) => r.method === "PATCH").map((r) => r.headers.get("content-range")),
      ["0-9", "10-19", "20-29", "30-34"],
    );
  });

  it("honours OCI-Chunk-Min-Length and chunks streams", async () => {
    const { fake, client } = pusher({ chunkMinLength: 16 });
    const blob = randomBytes(40, 14);
    const digest = sha256(blob);
    await client.putBlob("a/b", digest, 40, streamOf(blob, 3), { chunkSize: 4 });
    assert.deepEqual(fake.blobs.get(digest), blob);
    const ranges = fake.seen(fake.host, "/blobs/uploads/")
      .filter((r) => r.method === "PATCH").map((r) => r.headers.get("content-range"));
    assert.deepEqual(ranges, ["0-15", "16-31", "32-39"]);
  });

  it("retries a failed chunk", async () => {
    const { fake, client, sleeps } = pusher();
    const blob = randomBytes(30, 15);
    const digest = sha256(blob);
    fake.addFault({ method: "PATCH", fault: { status: 503 } });
    await client.putBlob("a/b", digest, 30, blob, { chunkSize: 10 });
    assert.deepEqual(fake.blobs.get(digest), blob);
    assert.deepEqual(sleeps, [1000]);
  });

  it("refuses bytes that do not match, before sending anything", async () => {
    const { fake, client } = pusher();
    const blob = randomBytes(30, 16);
    const wrong = sha256(randomBytes(30, 17));
    await assert.rejects(client.putBlob("a/b", wrong, 30, blob), DigestMismatchError);
    await assert.rejects(client.putBlob("a/b", sha256(blob), 31, blob), DigestMismatchError);
    await assert.rejects(client.putBlob("a/b", sha256(blob), -1, blob), RangeError);
    await assert.rejects(
      client.putBlob("a/b", sha256(blob), 30, blob, { chunkSize: -5 }),
      RangeError,
    );
    assert.equal(fake.requests.length, 0);
  });

  it("aborts a stream upload that does not match and cancels the session", async () => {
    for (const chunkSize of [0, 8]) {
      const { fake, client } = pusher();
      const blob = randomBytes(30, 18);
      const wrong = sha256(randomBytes(30, 19));
      const error = await rejection(
        client.putBlob("a/b", wrong, 30, streamOf(blob, 5), { chunkSize }),
      );
      assert.ok(error instanceof DigestMismatchError, String(error));
      assert.equal(fake.blobs.size, 0);
      assert.equal(fake.openUploads, 0);
    }
  });

  it("mounts a blob from another repository", async () => {
    const { fake, client } = pusher();
    const digest = fake.seedBlob("base/img", randomBytes(64, 20));
    assert.deepEqual(await client.mountBlob("app/img", digest, "base/img"), { mounted: true });
    assert.ok(fake.repoBlobs.get("app/img")?.has(digest));
    const [post] = fake.seen(fake.host, "/blobs/uploads/");
    assert.equal(post.url.searchParams.get("mount"), digest);
    assert.equal(post.url.searchParams.get("from"), "base/img");
  });

  it("hands back the upload session when a mount does not happen", async () => {
    const { fake, client } = pusher();
    const blob = randomBytes(64, 21);
    const digest = sha256(blob);
    const result = await client.mountBlob("app/img", digest, "base/img");
    assert.equal(result.mounted, false);
    if (result.mounted) return;
    assert.match(result.location, /^https:\/\/registry\.test\/v2\/app\/img\/blobs\/uploads\//);
    await client.putBlob("app/img", digest, 64, blob, { location: result.location });
    assert.deepEqual(fake.blobs.get(digest), blob);
    const posts = fake.seen(fake.host, "/blobs/uploads/").filter((r) => r.method === "POST");
    assert.equal(posts.length, 1);
  });
});
