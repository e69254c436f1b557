// A bounded loopback load on the stevedore server: 64 concurrent fetch loops of manifest
// and blob GETs on /v2/ and of GET /images/json, a few seconds each (30 s at most in all).
// Prints requests/s, p50/p99 latency and errors for the runtime it runs on.
//
//   deno run -A bench/server_load.ts [--seconds 8] [--connections 64]
//   node_modules/.bin/tsx bench/server_load.ts
//   node_modules/.bin/bun bench/server_load.ts
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { copyBetween } from "../src/copy/mod.ts";
import { detectAdapter } from "../src/fs/http_listen.ts";
import { NodeFileSystem } from "../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../src/runtime/mod.ts";
import { startServer } from "../src/server/mod.ts";
import { containersStorageTransport } from "../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../tests/helpers/memory_transport.ts";
import { randomImage } from "../tests/helpers/random_image.ts";

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const seconds = Math.min(flag("seconds", 8), 10);
const connections = Math.min(flag("connections", 64), 256);

interface Result {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p99: number;
}

async function load(name: string, url: string, expectBytes?: number): Promise<Result> {
  const latencies: number[] = [];
  let errors = 0;
  const deadline = performance.now() + seconds * 1000;
  const started = performance.now();
  const loop = async () => {
    while (performance.now() < deadline) {
      const t0 = performance.now();
      try {
        const response = await fetch(url);
        const body = new Uint8Array(await response.arrayBuffer());
        if (response.status !== 200 || (expectBytes !== undefined && body.length !== expectBytes)) {
          errors++;
        }
      } catch {
        errors++;
      }
      latencies.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: connections }, loop));
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))];
  return {
    name,
    requests: latencies.length,
    errors,
    rps: Math.round(latencies.length / elapsed),
    p50: Number(at(0.5).toFixed(2)),
    p99: Number(at(0.99).toFixed(2)),
  };
}

const dir = await mkdtemp(join(tmpdir(), "stevedore-bench-"));
try {
  const runtime = await Runtime.open({
    root: join(dir, "store"),
    env: {},
    homeDir: dir,
    warn: () => {},
  });
  const memory = memoryTransport();
  const image = randomImage({ layers: 2, layerSize: 64 * 1024 });
  memory.store.add("bench:v1", image);
  await copyBetween(
    memory.parse("bench:v1"),
    containersStorageTransport(runtimeParts(runtime).store).parse("localhost/bench:v1"),
    {
      context: { fs: new NodeFileSystem() },
    },
  );
  const server = await startServer({ listen: "127.0.0.1:0", runtime });
  try {
    const layer = image.layers[0];
    const results = [
      await load(
        "GET /v2/bench/manifests/v1",
        `${server.url}/v2/bench/manifests/v1`,
        image.manifest.bytes.length,
      ),
      await load(
        `GET /v2/bench/blobs (${layer.size} B)`,
        `${server.url}/v2/bench/blobs/${layer.digest}`,
        layer.size,
      ),
      await load("GET /images/json", `${server.url}/images/json`),
    ];
    console.log(
      `runtime: ${detectAdapter()}, ${connections} connections, ${seconds} s per scenario`,
    );
    console.table(results);
  } finally {
    await server.close();
  }
} finally {
  await rm(dir, { recursive: true, force: true });
}
