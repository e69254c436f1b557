// An HTTPS registry with a self-signed certificate (the real distribution registry): marked
// insecure (`insecure: true`, `tlsVerify: false`, registries.conf `insecure = true`), the
// default fetch skips the certificate checks as podman does, for every request (ping,
// manifests, blobs, uploads); unmarked, the certificate is checked and the pull fails
// naming the registry, with the store left byte-identical.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { DigestMismatchError, RegistryError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import {
  RegistryClient,
  type RegistryClientOptions,
  registryFetch,
} from "../../src/registry/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { snapshot } from "../runtime/_sentinel.ts";
import { randomBytes, readAll, sha256, streamOf } from "./_fixtures.ts";
import { openTlsRuntime } from "./_tls_runtime.ts";

const NO_RETRY = { maxRetries: 0 };

describe("a self-signed HTTPS registry", () => {
  let server: RegistryServer;
  let dir: string;
  const image = randomImage({ layers: 2, layerSize: 4096 });
  const repo = "tls/app";

  const client = (options: Partial<RegistryClientOptions>) =>
    new RegistryClient({ registry: server.registry, retry: NO_RETRY, ...options });

  /** Pushes `pushed` to `repoTag` with the copy engine (default fetch, tlsVerify false). */
  const push = async (pushed: RandomImage, repoTag: string) => {
    const memory = memoryTransport();
    memory.store.add(repoTag, pushed);
    await copyBetween(memory.parse(repoTag), `docker://${server.registry}/${repoTag}`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  };

  before(async () => {
    server = await startRegistry({ tls: true });
    dir = await mkdtemp(join(tmpdir(), "stevedore-tls-"));
  });
  after(async () => {
    await server?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("serves HTTPS only", () => {
    assert.match(server.url, /^https:\/\//);
  });

  it("takes pushes and gives reads back with insecure: true (blobs, streams, chunks)", async () => {
    const insecure = client({ insecure: true });
    const [first, second] = image.layers;
    await insecure.putBlob(repo, first.digest, first.size, first.bytes);
    await insecure.putBlob(repo, second.digest, second.size, streamOf(second.bytes, 1000));
    await insecure.putBlob(repo, image.config.digest, image.config.size, image.config.bytes, {
      chunkSize: 64,
    });
    const { bytes, mediaType, digest } = image.manifest;
    assert.equal(await insecure.putManifest(repo, "v1", bytes, mediaType), digest);
    assert.deepEqual(await insecure.getManifest(repo, "v1"), { bytes, mediaType, digest });
    for (const [blobDigest, blob] of image.blobs) {
      assert.deepEqual(await readAll(await insecure.getBlob(repo, blobDigest)), blob);
    }
    assert.deepEqual(await insecure.listTags(repo), ["v1"]);
  });

  it("reads with tlsVerify: false as with insecure: true", async () => {
    const unchecked = client({ tlsVerify: false });
    const { bytes, mediaType, digest } = image.manifest;
    assert.deepEqual(await unchecked.getManifest(repo, digest), { bytes, mediaType, digest });
    const [layer] = image.layers;
    assert.deepEqual(await readAll(await unchecked.getBlob(repo, layer.digest)), layer.bytes);
  });

  it("still verifies the bytes it reads without certificate checks", async () => {
    const blob = randomBytes(3000, 7);
    const digest = sha256(blob);
    const insecure = client({ insecure: true });
    await insecure.putBlob(repo, digest, blob.byteLength, blob);
    // Damage the stored blob (same length): the registry serves it as it is.
    const hex = digest.slice("sha256:".length);
    const data = join(
      server.root,
      "data/docker/registry/v2/blobs/sha256",
      hex.slice(0, 2),
      hex,
      "data",
    );
    const damaged = await readFile(data);
    damaged[0] ^= 0xff;
    await writeFile(data, damaged);
    await assert.rejects(
      readAll(await insecure.getBlob(repo, digest)),
      DigestMismatchError,
    );
  });

  it("checks the certificate when the registry is not marked insecure", async () => {
    for (const options of [{}, { insecure: false }, { tlsVerify: true }]) {
      await assert.rejects(client(options).getManifest(repo, "v1"), (error) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.ok(error.message.includes(server.registry), error.message);
        // The reason, not a claim that the registry speaks plain HTTP.
        assert.match(error.message, /certificate/i);
        assert.doesNotMatch(error.message, /HTTP response to HTTPS client/);
        return true;
      });
    }
  });

  it("registryFetch reaches it as a client does: unchecked when insecure, checked otherwise", async () => {
    const unchecked = registryFetch(server.registry, { insecure: true });
    const ping = await unchecked(`${server.url}/v2/`);
    assert.ok(ping instanceof Response);
    assert.equal(ping.status, 200);
    assert.equal(await ping.text(), "{}");
    // A Request's method and headers are kept.
    const head = await unchecked(new Request(`${server.url}/v2/`, { method: "HEAD" }));
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    await assert.rejects(registryFetch(server.registry)(`${server.url}/v2/`));
    await assert.rejects(registryFetch(server.registry, { insecure: false })(`${server.url}/v2/`));
  });

  it("keeps checking in a process where an insecure client has connected", async () => {
    // The unchecked connections are pooled apart: a checked request never reuses one.
    await client({ insecure: true }).ping();
    await assert.rejects(client({}).ping(), RegistryError);
    await client({ insecure: true }).ping();
  });

  it("skips the checks for a mirror marked insecure only", async () => {
    // The primary (checked) is the same registry: only the mirror can answer.
    const read = (insecure: boolean) =>
      client({
        endpoints: [{
          registry: server.registry,
          insecure,
          repoPrefixRewrite: { from: "tls", to: "tls" },
        }],
      });
    const { bytes, mediaType, digest } = image.manifest;
    assert.deepEqual(await read(true).getManifest(repo, "v1"), { bytes, mediaType, digest });
    await assert.rejects(read(false).getManifest(repo, "v1"), RegistryError);
  });

  it("leaves an injected fetch's certificate checks to it", async () => {
    const seen: string[] = [];
    const fetch = (input: string | URL | Request, init?: RequestInit) => {
      seen.push(String(input));
      return globalThis.fetch(input, init);
    };
    await assert.rejects(client({ insecure: true, fetch }).ping(), RegistryError);
    assert.deepEqual(seen, [`${server.url}/v2/`, `http://${server.registry}/v2/`]);
  });

  it("pulls with Runtime.pull when marked insecure; refuses otherwise, store untouched", async () => {
    await push(image, "tls/pulled:v1");
    await push(randomImage({ layers: 1, layerSize: 512 }), "tls/pulled:v2");
    const { runtime, store } = await openTlsRuntime(dir, "store");
    const [pulled] = await runtime.pull(`${server.registry}/tls/pulled:v1`, {
      tlsVerify: false,
      retries: 0,
    });
    assert.equal(`sha256:${pulled.id}`, image.config.digest);

    const before = await snapshot(store);
    await assert.rejects(
      runtime.pull(`${server.registry}/tls/pulled:v2`, { retries: 0 }),
      (error) => {
        assert.ok(error instanceof RegistryError, String(error));
        assert.ok(error.message.includes(server.registry), error.message);
        return true;
      },
    );
    assert.deepEqual(await snapshot(store), before);

    const conf = `[[registry]]\nlocation = "${server.registry}"\ninsecure = true\n`;
    const { runtime: marked } = await openTlsRuntime(dir, "marked", conf);
    const [again] = await marked.pull(`${server.registry}/tls/pulled:v1`, { retries: 0 });
    assert.equal(`sha256:${again.id}`, image.config.digest);
  });

  it("pushes with Runtime.push when marked insecure", async () => {
    const { runtime } = await openTlsRuntime(dir, "pusher");
    await runtime.pull(`${server.registry}/tls/pulled:v1`, { tlsVerify: false, retries: 0 });
    const destination = `${server.registry}/tls/pushed:v1`;
    const digest = await runtime.push(`${server.registry}/tls/pulled:v1`, destination, {
      tlsVerify: false,
    });
    const pushed = await client({ insecure: true }).getManifest("tls/pushed", "v1");
    assert.equal(pushed.digest, digest);
  });
});
