// Pushes that fit behind a body limit: a loopback proxy in front of the real CNCF registry
// answers 413 to any request body over 64 KiB (as Workers-hosted registries and fronting
// proxies do); a push of larger layers must go through in chunks no larger than asked, as
// `PATCH` requests with contiguous `Content-Range`s, and come back byte for byte.
import { after, before, describe, it } from "node:test";
import { spawn } from "node:child_process";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { RegistryError } from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { distributionApp, MemoryRegistryStorage } from "../../src/server/distribution/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { cliCommand, repoRoot } from "../cli/_cli.ts";
import { type FaultProxy, type ProxyLogEntry, startFaultProxy } from "../helpers/fault_proxy.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

const LIMIT = 64 * 1024;
const HOST = { os: "linux", architecture: "amd64" };

let registry: RegistryServer;
let proxy: FaultProxy;
let dir: string;
let image: RandomImage;
let counter = 0;

async function openRuntime(root: string, fetchFn?: typeof fetch): Promise<Runtime> {
  return await Runtime.open({
    root,
    registriesConfDir: "",
    registriesConf: join(dir, "registries.conf"),
    env: {},
    homeDir: dir,
    uid: 1000,
    hostPlatform: HOST,
    warn: () => {},
    ...(fetchFn ? { fetch: fetchFn } : {}),
  });
}

/** A runtime over a fresh store holding `image` as `localhost/big:1`. */
async function storeWithImage(
  root = join(dir, `store-${counter++}`),
  fetchFn?: typeof fetch,
): Promise<Runtime> {
  const runtime = await openRuntime(root, fetchFn);
  const memory = memoryTransport();
  memory.store.add("big", image);
  await copyBetween(
    memory.parse("big"),
    containersStorageTransport(runtimeParts(runtime).store).parse("localhost/big:1"),
    { context: { fs: new NodeFileSystem() } },
  );
  return runtime;
}

/** Runs the CLI without blocking this process (which serves the proxy). */
function runCliAsync(args: string[], home: string): Promise<{ code: number; stderr: string }> {
  const [command, lead] = cliCommand();
  const child = spawn(command, [...lead, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", HOME: home },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stderr }));
  });
}

function uploads(log: ProxyLogEntry[]): ProxyLogEntry[] {
  return log.filter((e) => /\/blobs\/uploads\//.test(e.path) && e.method !== "POST");
}

/** Checks that the PATCHes of each upload session cover the blob in order. */
function assertContiguous(log: ProxyLogEntry[]): void {
  const bySession = new Map<string, number>();
  for (const entry of uploads(log)) {
    const session = entry.path.replace(/\?.*$/, "").split("/").pop()!;
    if (entry.method !== "PATCH") continue;
    const [start, end] = entry.headers["content-range"].split("-").map(Number);
    assert.equal(start, bySession.get(session) ?? 0, `range ${entry.headers["content-range"]}`);
    assert.equal(end - start + 1, entry.requestBodyLength);
    bySession.set(session, end + 1);
  }
}

before(async () => {
  registry = await startRegistry();
  proxy = await startFaultProxy(registry.url, {
    script: (r) => r.requestBodyLength > LIMIT ? { type: "status", status: 413 } : { type: "pass" },
  });
  dir = await mkdtemp(join(tmpdir(), "stevedore-chunked-"));
  await writeFile(join(dir, "registries.conf"), "");
  // Random bytes do not compress: each layer blob is about 200 KiB, over the limit.
  image = randomImage({ layers: 3, layerSize: 200 * 1024 });
});

after(async () => {
  await proxy?.close();
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("chunked push behind a body limit", () => {
  it("fails with 413 in one request a blob, and goes through in chunks", async () => {
    const runtime = await storeWithImage();
    await assert.rejects(
      runtime.push("big:1", `${proxy.host}/team/whole:1`, { tlsVerify: false, retries: 0 }),
      (error: unknown) => error instanceof RegistryError && error.status === 413,
    );
    proxy.clearLog();
    const digest = await runtime.push("big:1", `${proxy.host}/team/chunked:1`, {
      tlsVerify: false,
      chunkSize: LIMIT,
    });
    // Only this push's requests: the failed push's aborted uploads may reach the proxy's
    // log after it was cleared (it logs a request when the body ends or the client leaves).
    const chunked = proxy.log.filter((e) => e.path.startsWith("/v2/team/chunked/"));
    assert.ok(chunked.length > 0, "the chunked push sent nothing through the proxy");
    assert.deepEqual(chunked.filter((e) => e.status === 413), []);
    assert.ok(chunked.every((e) => e.requestBodyLength <= LIMIT));
    const patches = chunked.filter((e) => e.method === "PATCH").length;
    assert.ok(patches >= 3 * 4, `only ${patches} PATCH requests`);
    assertContiguous(chunked);
    // The registry itself (not the proxy) serves the same manifest and layers back.
    const other = await openRuntime(join(dir, `store-${counter++}`));
    const [pulled] = await other.pull(`docker://${registry.registry}/team/chunked:1`, {
      tlsVerify: false,
    });
    assert.equal(pulled.manifestDigest, digest);
    assert.deepEqual(pulled.layers, image.layers.map((l) => l.digest));
    for (const layer of image.layers) {
      const bytes = await runtimeParts(other).store.readBlobBytes(layer.digest);
      assert.deepEqual(bytes, layer.bytes);
    }
  });

  it("raises the chunk size to the registry's OCI-Chunk-Min-Length", async () => {
    const storage = new MemoryRegistryStorage();
    const min = 150 * 1024;
    const app = distributionApp(storage, { chunkMinLength: min });
    const bodies: number[] = [];
    const fetchFn = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const request = new Request(input, init);
      if (request.method === "PATCH") bodies.push((await request.clone().arrayBuffer()).byteLength);
      return await app.fetch(request);
    }) as typeof fetch;
    const pusher = await storeWithImage(join(dir, `store-${counter++}`), fetchFn);
    await pusher.push("big:1", "edge.test/team/min:1", { tlsVerify: false, chunkSize: 16 * 1024 });
    assert.ok(bodies.length >= 3, `${bodies.length} PATCH requests`);
    // Every chunk but the last of each blob is exactly the minimum, none is smaller.
    const full = bodies.filter((n) => n === min).length;
    assert.ok(full >= 3, `chunk sizes ${bodies.join(",")}`);
    assert.ok(bodies.every((n) => n <= min), `chunk sizes ${bodies.join(",")}`);
  });

  it("stevedore push --chunk-size goes through the proxy", async () => {
    const root = join(dir, `store-${counter++}`);
    await storeWithImage(root);
    proxy.clearLog();
    const common = ["--root", root, "--registries-conf-dir", "", "--registries-conf"];
    const result = await runCliAsync([
      ...common,
      join(dir, "registries.conf"),
      "push",
      "--tls-verify=false",
      "--chunk-size",
      "64KiB",
      "big:1",
      `${proxy.host}/team/cli:1`,
    ], dir);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(proxy.count((e) => e.status === 413), 0);
    assertContiguous(proxy.log);
    const bad = await runCliAsync([
      ...common,
      join(dir, "registries.conf"),
      "push",
      "--chunk-size",
      "lots",
      "big:1",
      "x/y:1",
    ], dir);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /--chunk-size=lots/);
  });
});
