// The client against the real CNCF distribution registry (Debian's docker-registry).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  BlobUnknownError,
  DigestMismatchError,
  ManifestUnknownError,
  UnauthorizedError,
} from "../../src/errors.ts";
import { RegistryClient, type RegistryClientOptions } from "../../src/registry/mod.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { randomBytes, readAll, sha256, streamOf } from "./_fixtures.ts";

function clientFor(server: RegistryServer, options: Partial<RegistryClientOptions> = {}) {
  return new RegistryClient({ registry: server.registry, insecure: true, ...options });
}

describe("real registry (open)", () => {
  let server: RegistryServer;
  let client: RegistryClient;
  const image = randomImage({ layers: 2, layerSize: 4096 });
  const repo = "stevedore/app";

  before(async () => {
    server = await startRegistry();
    client = clientFor(server);
  });
  after(async () => {
    await server?.stop();
  });

  it("pushes an image (bytes, stream, chunks) and reads it back", async () => {
    const [first, second] = image.layers;
    await client.putBlob(repo, first.digest, first.size, first.bytes);
    await client.putBlob(repo, second.digest, second.size, streamOf(second.bytes, 1000));
    await client.putBlob(repo, image.config.digest, image.config.size, image.config.bytes, {
      chunkSize: 64,
    });
    const { bytes, mediaType, digest } = image.manifest;
    assert.equal(await client.putManifest(repo, "v1", bytes, mediaType), digest);

    const byTag = await client.getManifest(repo, "v1");
    assert.deepEqual(byTag, { bytes, mediaType, digest });
    assert.deepEqual(await client.getManifest(repo, digest), byTag);
    assert.deepEqual(await client.headManifest(repo, "v1"), {
      mediaType,
      digest,
      size: bytes.byteLength,
    });
    for (const [blobDigest, blob] of image.blobs) {
      assert.deepEqual(await readAll(await client.getBlob(repo, blobDigest)), blob);
      assert.equal(await client.headBlob(repo, blobDigest), blob.byteLength);
    }
  });

  it("uploads a larger blob in small chunks", async () => {
    const blob = randomBytes(50_000, 42);
    const digest = sha256(blob);
    await client.putBlob(repo, digest, blob.byteLength, streamOf(blob, 777), { chunkSize: 4096 });
    assert.deepEqual(
      await readAll(await client.getBlob(repo, digest, { size: blob.byteLength })),
      blob,
    );
  });

  it("refuses a stream that does not match its digest", async () => {
    const blob = randomBytes(1000, 43);
    const wrong = sha256(randomBytes(1000, 44));
    await assert.rejects(client.putBlob(repo, wrong, 1000, streamOf(blob)), DigestMismatchError);
    assert.equal(await client.headBlob(repo, wrong), undefined);
  });

  it("lists tags page by page and the catalog", async () => {
    const { bytes, mediaType } = image.manifest;
    await client.putManifest(repo, "v2", bytes, mediaType);
    await client.putManifest(repo, "v3", bytes, mediaType);
    assert.deepEqual(await client.listTags(repo, { pageSize: 1 }), ["v1", "v2", "v3"]);
    assert.deepEqual(await client.listTags(repo, { pageSize: 1, limit: 2 }), ["v1", "v2"]);
    assert.ok((await client.catalog({ pageSize: 1 })).includes(repo));
  });

  it("mounts blobs across repositories", async () => {
    const layer = image.layers[0];
    assert.deepEqual(await client.mountBlob("stevedore/copy", layer.digest, repo), {
      mounted: true,
    });
    assert.equal(await client.headBlob("stevedore/copy", layer.digest), layer.size);

    const blob = randomBytes(300, 45);
    const digest = sha256(blob);
    const result = await client.mountBlob("stevedore/copy", digest, repo);
    assert.equal(result.mounted, false);
    if (result.mounted) return;
    await client.putBlob("stevedore/copy", digest, 300, blob, { location: result.location });
    assert.equal(await client.headBlob("stevedore/copy", digest), 300);
  });

  it("deletes a manifest", async () => {
    const { bytes, mediaType, digest } = image.manifest;
    for (const blobDigest of image.blobs.keys()) {
      assert.equal((await client.mountBlob("stevedore/gone", blobDigest, repo)).mounted, true);
    }
    await client.putManifest("stevedore/gone", "t", bytes, mediaType);
    assert.equal((await client.headManifest("stevedore/gone", "t"))?.digest, digest);
    await client.deleteManifest("stevedore/gone", digest);
    assert.equal(await client.headManifest("stevedore/gone", digest), undefined);
    await assert.rejects(client.getManifest("stevedore/gone", digest), ManifestUnknownError);
  });

  it("maps missing things to the right errors", async () => {
    await assert.rejects(client.getManifest(repo, "nope"), ManifestUnknownError);
    await assert.rejects(client.getManifest("no/such", "latest"), ManifestUnknownError);
    await assert.rejects(client.getBlob(repo, sha256(randomBytes(8, 46))), BlobUnknownError);
    assert.equal(await client.headManifest(repo, "nope"), undefined);
  });
});

describe("real registry (Basic auth)", () => {
  let server: RegistryServer;
  const image = randomImage({ layers: 1, layerSize: 512 });

  before(async () => {
    server = await startRegistry({ auth: { username: "alice", password: "pa55word" } });
  });
  after(async () => {
    await server?.stop();
  });

  it("pushes and pulls with the right password", async () => {
    const client = clientFor(server, { credentials: { username: "alice", password: "pa55word" } });
    for (const [digest, blob] of image.blobs) {
      await client.putBlob("secure/app", digest, blob.byteLength, blob);
    }
    const { bytes, mediaType, digest } = image.manifest;
    await client.putManifest("secure/app", "1", bytes, mediaType);
    assert.equal((await client.getManifest("secure/app", "1")).digest, digest);
    assert.deepEqual(await client.listTags("secure/app"), ["1"]);
  });

  it("refuses a wrong password or none with UnauthorizedError", async () => {
    const sleeps: number[] = [];
    const sleep = (ms: number) => Promise.resolve(void sleeps.push(ms));
    const wrong = clientFor(server, {
      credentials: { username: "alice", password: "wrong" },
      sleep,
    });
    await assert.rejects(wrong.getManifest("secure/app", "1"), UnauthorizedError);
    await assert.rejects(clientFor(server, { sleep }).listTags("secure/app"), UnauthorizedError);
    assert.deepEqual(sleeps, []);
  });
});
