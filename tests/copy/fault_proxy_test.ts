// Copies and pulls from a real registry through a fault-injecting proxy: cut connections,
// 5xx and 429 answers, flipped bytes and a registry that never recovers.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { DigestMismatchError, RegistryError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { createDockerTransport } from "../../src/transports/docker/mod.ts";
import {
  blobGetDigest,
  type FaultAction,
  type FaultProxy,
  type ProxiedRequest,
  seededRandom,
  startFaultProxy,
} from "../helpers/fault_proxy.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

const MiB = 1024 * 1024;
const REPO = "fault/app";
const TAG = "v1";
const HOST = { os: "linux", architecture: "amd64" };
const fs = new NodeFileSystem();

let registry: RegistryServer;
let proxy: FaultProxy;
let image: RandomImage;
let work: string;

before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.url);
  work = await mkdtemp(join(tmpdir(), "stevedore-fault-"));
  image = randomImage({ layers: 3, layerSize: 2 * MiB });
  const memory = memoryTransport();
  memory.store.add("app", image);
  await copyBetween(memory.parse("app"), `docker://${registry.registry}/${REPO}:${TAG}`, {
    context: { fs, tlsVerify: false },
  });
});

after(async () => {
  await proxy?.close();
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** A docker reference through the proxy, with fast client retries and recorded sleeps. */
function source(maxRetries = 3) {
  const sleeps: number[] = [];
  const transport = createDockerTransport({
    client: {
      retry: { maxRetries, delayMs: 5 },
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
    },
  });
  return { ref: transport.parse(`//${proxy.host}/${REPO}:${TAG}`), sleeps };
}

let dirs = 0;
function layoutDir(): string {
  return join(work, `layout-${dirs++}`);
}

/** Runs a copy through the proxy into a new OCI layout. */
function copyThrough(script: (r: ProxiedRequest) => FaultAction, retries = 3) {
  proxy.clearLog();
  proxy.script = script;
  const { ref, sleeps } = source();
  const dir = layoutDir();
  const copy = copyBetween(ref, `oci:${dir}:${TAG}`, {
    context: { fs, tlsVerify: false, tmpDir: work },
    retries,
    retryDelayMs: 5,
  });
  return { copy, dir, sleeps };
}

const sha = (bytes: Uint8Array) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

/** The blobs of an OCI layout by digest, each checked against its file name. */
async function layoutBlobs(dir: string): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  let names: string[] = [];
  try {
    names = await readdir(join(dir, "blobs", "sha256"));
  } catch {
    return out;
  }
  for (const name of names) {
    const bytes = new Uint8Array(await readFile(join(dir, "blobs", "sha256", name)));
    assert.equal(sha(bytes), `sha256:${name}`, `blob file ${name} holds other bytes`);
    out.set(`sha256:${name}`, bytes);
  }
  return out;
}

/** The ref names `index.json` of a layout lists (none when it has no index). */
async function layoutRefs(dir: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(join(dir, "index.json"), "utf8");
  } catch {
    return [];
  }
  const index = JSON.parse(text) as { manifests: { annotations?: Record<string, string> }[] };
  return index.manifests.map((m) => m.annotations?.["org.opencontainers.image.ref.name"] ?? "");
}

/** Per-digest attempt numbers of blob GETs: 0 for the first, 1 for the next, … */
function attempts() {
  const seen = new Map<string, number>();
  return (request: ProxiedRequest): [string | undefined, number] => {
    const digest = blobGetDigest(request);
    if (digest === undefined) return [undefined, -1];
    const n = seen.get(digest) ?? 0;
    seen.set(digest, n + 1);
    return [digest, n];
  };
}

/** Walks `cause` and `errors` for an error with `code`. */
function findCode(error: unknown, code: string, depth = 0): unknown {
  if (depth > 6 || typeof error !== "object" || error === null) return undefined;
  const e = error as { code?: unknown; cause?: unknown; errors?: unknown[] };
  if (e.code === code) return error;
  for (const inner of [e.cause, ...(e.errors ?? [])]) {
    const found = findCode(inner, code, depth + 1);
    if (found) return found;
  }
  return undefined;
}

const layerDigests = () => image.layers.map((l) => l.digest);

describe("copy through a fault-injecting proxy", () => {
  it("passes a clean copy through and counts the requests", async () => {
    const { copy, dir } = copyThrough(() => ({ type: "pass" }));
    const result = await copy;
    assert.equal(result.manifestDigest, image.manifest.digest);
    const blobs = await layoutBlobs(dir);
    for (const [digest, bytes] of image.blobs) assert.deepEqual(blobs.get(digest), bytes);
    // Each blob was fetched exactly once, without Range.
    for (const digest of image.blobs.keys()) {
      assert.equal(proxy.count((e) => blobGetDigest(e) === digest), 1);
    }
    assert.equal(proxy.count((e) => e.headers.range !== undefined), 0);
  });

  it("resumes blobs cut at random offsets with Range and writes identical bytes", async () => {
    const random = seededRandom(0x5eed);
    const attempt = attempts();
    const { copy, dir, sleeps } = copyThrough((request) => {
      const [digest, n] = attempt(request);
      // The first two answers for every blob (the plain GET and the first resume) are cut.
      if (digest === undefined || n >= 2) return { type: "pass" };
      return { type: "cut", fraction: 0.1 + random() * 0.8 };
    });
    const result = await copy;
    assert.equal(result.manifestDigest, image.manifest.digest);
    assert.deepEqual(await layoutRefs(dir), [TAG]);
    const blobs = await layoutBlobs(dir);
    for (const [digest, bytes] of image.blobs) {
      assert.deepEqual(blobs.get(digest), bytes, `blob ${digest} differs`);
    }
    for (const digest of layerDigests()) {
      const gets = proxy.log.filter((e) => blobGetDigest(e) === digest);
      assert.equal(gets.length, 3, `three GETs of ${digest}`);
      assert.equal(gets[0].headers.range, undefined);
      // Each resume starts after the bytes received so far: some of what the proxy sent
      // before closing may be dropped by the client, never more than was sent.
      let start = 0;
      for (let i = 1; i < gets.length; i++) {
        const match = /^bytes=(\d+)-$/.exec(gets[i].headers.range ?? "");
        assert.ok(match, `GET ${i} of ${digest} has no Range`);
        const next = Number(match[1]);
        assert.ok(next > start && next <= start + gets[i - 1].bodySent, `${next} after ${start}`);
        start = next;
      }
      assert.ok(gets[0].bodySent > 0 && gets[0].bodySent < gets[0].bodyLength);
      assert.deepEqual(gets.map((e) => e.status), [200, 206, 206]);
    }
    // Every resume waited the client's retry delay.
    assert.equal(sleeps.length, 2 * image.blobs.size);
    assert.ok(sleeps.every((ms) => ms === 5));
  });

  it("retries 500 and 503 answers and succeeds", async () => {
    const attempt = attempts();
    const { copy, dir, sleeps } = copyThrough((request) => {
      const [digest, n] = attempt(request);
      if (digest === undefined || n >= 2) return { type: "pass" };
      return { type: "status", status: n === 0 ? 500 : 503 };
    });
    const result = await copy;
    assert.equal(result.manifestDigest, image.manifest.digest);
    const blobs = await layoutBlobs(dir);
    for (const [digest, bytes] of image.blobs) assert.deepEqual(blobs.get(digest), bytes);
    for (const digest of image.blobs.keys()) {
      const statuses = proxy.log.filter((e) => blobGetDigest(e) === digest).map((e) => e.status);
      assert.deepEqual(statuses, [500, 503, 200]);
    }
    assert.equal(sleeps.length, 2 * image.blobs.size);
  });

  it("honours Retry-After of a 429 answer", async () => {
    const attempt = attempts();
    const { copy, sleeps } = copyThrough((request) => {
      const [digest, n] = attempt(request);
      if (digest === undefined || n >= 1) return { type: "pass" };
      return { type: "status", status: 429, retryAfter: "1" };
    });
    const result = await copy;
    assert.equal(result.manifestDigest, image.manifest.digest);
    assert.equal(proxy.count((e) => e.status === 429), image.blobs.size);
    // One wait of Retry-After (1 s) per throttled blob, not the 5 ms retry delay.
    assert.deepEqual(sleeps, Array(image.blobs.size).fill(1000));
  });

  it("rejects flipped bytes with DigestMismatchError and keeps the blob out", async () => {
    const bad = image.layers[1].digest;
    const { copy, dir } = copyThrough((request) =>
      blobGetDigest(request) === bad ? { type: "corrupt" } : { type: "pass" }
    );
    await assert.rejects(copy, (error: unknown) => {
      assert.ok(error instanceof DigestMismatchError, String(error));
      assert.equal(error.code, "DigestMismatch");
      assert.equal(error.expected, bad);
      return true;
    });
    assert.ok(proxy.count((e) => blobGetDigest(e) === bad && e.action.type === "corrupt") >= 1);
    const blobs = await layoutBlobs(dir);
    assert.equal(blobs.has(bad), false);
    assert.equal(blobs.has(image.manifest.digest), false);
    assert.deepEqual(await layoutRefs(dir), []);
    const leftovers = await readdir(join(dir, "blobs", "sha256")).catch(() => [] as string[]);
    assert.deepEqual(leftovers.filter((n) => n.startsWith(".tmp-")), []);
  });

  it("gives up on a registry that keeps answering 503 with RegistryError", async () => {
    const bad = image.layers[0].digest;
    const { copy, dir } = copyThrough(
      (request) =>
        blobGetDigest(request) === bad ? { type: "status", status: 503 } : { type: "pass" },
      1,
    );
    await assert.rejects(copy, (error: unknown) => {
      assert.ok(error instanceof RegistryError, String(error));
      assert.equal(error.status, 503);
      return true;
    });
    // One layer retries: the registry client's 1 + 3 tries, and the copy engine (retries: 1)
    // does not retry what the client already retried (before: 2 x 4 = 8 requests).
    assert.equal(proxy.count((e) => blobGetDigest(e) === bad), 4);
    assert.equal((await layoutBlobs(dir)).has(bad), false);
    assert.deepEqual(await layoutRefs(dir), []);
  });

  it("treats a throwing script as pass-through", async () => {
    // A script that throws is treated as "pass": the proxy never breaks a test by itself.
    const { copy } = copyThrough(() => {
      throw new Error("script bug");
    });
    assert.equal((await copy).manifestDigest, image.manifest.digest);
  });
});

describe("pull into a store through a fault-injecting proxy", () => {
  let stores = 0;
  async function openRuntime(): Promise<Runtime> {
    const conf = join(work, `registries-${stores}.conf`);
    await writeFile(conf, `[[registry]]\nlocation = "${proxy.host}"\ninsecure = true\n`);
    return await Runtime.open({
      root: join(work, `store-${stores++}`),
      registriesConf: conf,
      registriesConfDir: "",
      env: {},
      homeDir: work,
      uid: 1000,
      hostPlatform: HOST,
      warn: () => {},
    });
  }

  it("pulls with cut connections and leaves a clean store", async () => {
    const random = seededRandom(42);
    const attempt = attempts();
    proxy.clearLog();
    proxy.script = (request) => {
      const [digest, n] = attempt(request);
      if (digest === undefined || n >= 2) return { type: "pass" };
      return { type: "cut", fraction: 0.1 + random() * 0.8 };
    };
    const runtime = await openRuntime();
    const [record] = await runtime.pull(`${proxy.host}/${REPO}:${TAG}`, {
      retries: 3,
      retryDelayMs: 5,
    });
    assert.equal(record.id, image.config.digest.slice("sha256:".length));
    assert.deepEqual(record.layers, layerDigests());
    assert.ok(proxy.count((e) => e.headers.range !== undefined && e.status === 206) >= 3);
    assert.deepEqual(await runtimeParts(runtime).store.check({ verifyBlobs: true }), []);
    for (const [digest, bytes] of image.blobs) {
      assert.deepEqual(await runtimeParts(runtime).store.readBlobBytes(digest), bytes);
    }
    assert.equal(await runtime.exists(`${proxy.host}/${REPO}:${TAG}`), true);
  });

  it("fails a pull of flipped bytes without storing the blob or a record", async () => {
    const bad = image.layers[2].digest;
    proxy.clearLog();
    proxy.script = (request) =>
      blobGetDigest(request) === bad ? { type: "corrupt", offset: 17 } : { type: "pass" };
    const runtime = await openRuntime();
    await assert.rejects(
      runtime.pull(`${proxy.host}/${REPO}:${TAG}`, { retries: 3, retryDelayMs: 5 }),
      (error: unknown) => {
        assert.ok(findCode(error, "DigestMismatch"), String(error));
        return true;
      },
    );
    assert.equal(await runtimeParts(runtime).store.hasBlob(bad), false);
    assert.deepEqual(await runtimeParts(runtime).store.images(), []);
    assert.deepEqual(await runtimeParts(runtime).store.check(), []);
  });

  it("fails a pull from a registry that keeps answering 503, committing nothing", async () => {
    proxy.clearLog();
    proxy.script = (request) =>
      blobGetDigest(request) !== undefined ? { type: "status", status: 503 } : { type: "pass" };
    const runtime = await openRuntime();
    await assert.rejects(
      runtime.pull(`${proxy.host}/${REPO}:${TAG}`, { retries: 1, retryDelayMs: 5 }),
      (error: unknown) => {
        const found = findCode(error, "Registry");
        assert.ok(found instanceof RegistryError, String(error));
        assert.equal(found.status, 503);
        return true;
      },
    );
    assert.deepEqual(await runtimeParts(runtime).store.images(), []);
    assert.deepEqual(await runtimeParts(runtime).store.check(), []);
  });
});
