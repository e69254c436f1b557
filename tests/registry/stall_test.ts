// A registry that stops sending part way through a blob and keeps the connection open:
// the idle-read timeout fires (a stall never ends, so a small timeout always fires), the
// blob resumes with `Range`, and when every attempt stalls the error names the registry
// and the blob. Through a fault proxy in front of the real distribution registry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { RegistryError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { runCliAsync } from "../cli/_cli.ts";
import {
  blobGetDigest,
  type FaultProxy,
  type ProxyLogEntry,
  startFaultProxy,
} from "../helpers/fault_proxy.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { readAll, rejection, sha256 } from "./_fixtures.ts";

const REPO = "stall/app";
const STALL_AT = 64 * 1024;
/**
 * A stall is infinite, so the timeout fires whatever the machine's load; it is a second,
 * not less, so that the healthy answers (the resumed blob, the third manifest request) never
 * pause that long on a busy machine and count as stalls too.
 */
const READ_TIMEOUT_MS = 1000;
/** Only a guard against a hang (the code before the timeout existed hung for ever). */
const HANG_GUARD_MS = 60_000;

let registry: RegistryServer;
let proxy: FaultProxy;
let image: RandomImage;
let work: string;

before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.url);
  work = await mkdtemp(join(tmpdir(), "stevedore-stall-"));
  image = randomImage({ layers: 2, layerSize: 512 * 1024 });
  const memory = memoryTransport();
  memory.store.add("app", image);
  await copyBetween(memory.parse("app"), `docker://${registry.registry}/${REPO}:v1`, {
    context: { fs: new NodeFileSystem(), tlsVerify: false },
  });
});

after(async () => {
  await proxy?.close();
  await registry?.stop();
  if (work) await rm(work, { recursive: true, force: true });
});

/** Rejects if `promise` has not settled after `ms` (a hang guard, not a measurement). */
async function settles<T>(promise: Promise<T>, ms = HANG_GUARD_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still pending after ${ms} ms: a hang`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

const blobGets = (entry: ProxyLogEntry) => blobGetDigest(entry) !== undefined;
const layer = () => image.layers[0];

function client(maxRetries: number): RegistryClient {
  return new RegistryClient({
    registry: proxy.host,
    insecure: true,
    readTimeoutMs: READ_TIMEOUT_MS,
    retry: { maxRetries, delayMs: 0 },
  });
}

describe("a registry that stalls mid-blob", () => {
  it("resumes the blob with Range after the read timeout and gets the right bytes", async () => {
    proxy.clearLog();
    // Every answer without Range stalls; the resumed (ranged) one passes.
    proxy.script = (request) =>
      blobGetDigest(request) !== undefined && request.headers.range === undefined
        ? { type: "stall", after: STALL_AT }
        : { type: "pass" };
    const { digest, bytes } = layer();
    const got = await settles(client(5).getBlob(REPO, digest).then(readAll));
    assert.equal(got.byteLength, bytes.byteLength);
    assert.equal(sha256(got), digest);
    const ranged = proxy.log.filter((entry) => blobGets(entry) && entry.headers.range);
    assert.equal(ranged.length, 1, "one resumed request");
    const from = Number(/^bytes=(\d+)-$/.exec(ranged[0].headers.range)?.[1]);
    assert.ok(from > 0 && from <= STALL_AT, `resumed from ${from}`);
    assert.equal(ranged[0].status, 206);
  });

  it("fails naming the registry and the blob when every attempt stalls", async () => {
    proxy.clearLog();
    proxy.script = (request) =>
      blobGetDigest(request) !== undefined ? { type: "stall", after: 1000 } : { type: "pass" };
    const { digest } = layer();
    const error = await settles(rejection(client(2).getBlob(REPO, digest).then(readAll)));
    assert.ok(error instanceof RegistryError, String(error));
    assert.equal(error.status, 0);
    assert.ok(error.message.includes(proxy.host), error.message);
    assert.ok(error.message.includes(digest), error.message);
    assert.match(error.message, /stopped sending/);
    assert.match(error.message, new RegExp(`no data for ${READ_TIMEOUT_MS} ms`));
    assert.equal(proxy.count(blobGets), 3, "the first attempt and two resumes");
  });

  it("retries a manifest request whose answer never comes or stalls", async () => {
    proxy.clearLog();
    let stalled = 0;
    // The first manifest request gets no answer at all, the second a body that stalls.
    proxy.script = (request) => {
      if (!request.path.includes("/manifests/")) return { type: "pass" };
      stalled++;
      return stalled === 1
        ? { type: "hang" }
        : stalled === 2
        ? { type: "stall", after: 10 }
        : { type: "pass" };
    };
    const manifestClient = new RegistryClient({
      registry: proxy.host,
      insecure: true,
      connectTimeoutMs: READ_TIMEOUT_MS,
      readTimeoutMs: READ_TIMEOUT_MS,
      retry: { maxRetries: 2, delayMs: 0 },
    });
    const fetched = await settles(manifestClient.getManifest(REPO, "v1"));
    assert.equal(fetched.digest, image.manifest.digest);
    assert.equal(proxy.count((entry) => entry.path.includes("/manifests/")), 3);
  });
});

describe("pull --read-timeout", () => {
  async function pull(args: string[]) {
    const root = join(work, `root-${crypto.randomUUID()}`);
    const conf = join(work, "registries.conf");
    await writeFile(conf, "");
    return await settles(
      runCliAsync(
        [
          "--root",
          root,
          "--registries-conf",
          conf,
          "pull",
          "--tls-verify=false",
          "--retry-delay=0s",
          `--read-timeout=${READ_TIMEOUT_MS}ms`,
          ...args,
          `${proxy.host}/${REPO}:v1`,
        ],
        { HOME: work },
      ),
      120_000,
    );
  }

  it("pulls through stalls by resuming each stalled blob", async () => {
    proxy.clearLog();
    proxy.script = (request) =>
      blobGetDigest(request) !== undefined && request.headers.range === undefined
        ? { type: "stall", fraction: 0.5 }
        : { type: "pass" };
    const result = await pull(["--retry=3"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), image.config.digest.slice("sha256:".length));
    assert.ok(proxy.count((entry) => blobGets(entry) && entry.headers.range !== undefined) >= 1);
  });

  it("fails when every attempt stalls, naming the registry and the blob", async () => {
    proxy.clearLog();
    proxy.script = (request) =>
      blobGetDigest(request) !== undefined ? { type: "stall", after: 100 } : { type: "pass" };
    const result = await pull(["--retry=0"]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /stopped sending blob sha256:[0-9a-f]{64}/);
    assert.ok(result.stderr.includes(`registry ${proxy.host}`), result.stderr);
  });
});
