/**
 * Edge benchmark: pulling the `big` image (one 200 MiB layer, 173 MiB gzip) from a local
 * CNCF registry into an in-memory runtime, inside workerd (the example Worker's build,
 * WebAssembly kernels loaded as modules) against Deno with `--allow-net=127.0.0.1` only
 * (native `node:crypto`/`node:zlib`), and Deno forced onto the WebAssembly kernels. Also
 * the memory an in-memory runtime holding the image takes. One warm-up, then the median
 * of `--runs`.
 *
 *   deno run -A bench/edge.ts [--runs 3]      (or: npx tsx bench/edge.ts, bun bench/edge.ts)
 *
 * @module
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { startRegistry } from "../tests/helpers/registry_server.ts";
import { run, startWorkerd } from "../tests/edge/_spawn.ts";
import { benchImage, mib, pushImage } from "./_images.ts";
import { median, numberOption, procMemory, report, round } from "./_report.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));
const MiB = 1024 * 1024;

/** The Worker under test: each `GET /pull` pulls `IMAGE` into a fresh in-memory runtime. */
function benchWorker(): string {
  const edge = JSON.stringify(join(repoRoot, "src", "edge", "mod.ts"));
  return `
import { kernelReport, openMemoryRuntime, provideKernelModules } from ${edge};
import crc32 from "./kernels/crc32.wasm";
import inflate from "./kernels/inflate.wasm";
import sha256 from "./kernels/sha256.wasm";
provideKernelModules({ crc32, inflate, sha256 });
let kept;
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === "/kernels") return Response.json(kernelReport());
    kept = undefined;
    const runtime = await openMemoryRuntime();
    const [image] = await runtime.pull("docker://" + env.IMAGE, { tlsVerify: false });
    kept = runtime;
    return Response.json({ id: image.id });
  },
};
`;
}

interface DenoResult {
  times: number[];
  kernels: Record<string, string>;
  before: { rss: number };
  held: { rss: number; heapUsed: number; external: number };
  hwmKiB: number;
}

/** Runs the Deno child with `flags`, reading its peak RSS before letting it exit. */
function denoPulls(
  reference: string,
  runs: number,
  flags: string[],
  env = {},
): Promise<DenoResult> {
  const child = spawn(
    join(repoRoot, "node_modules", ".bin", "deno"),
    [
      "run",
      "--no-prompt",
      "--allow-net=127.0.0.1",
      "--v8-flags=--expose-gc",
      ...flags,
      "bench/_edge_deno_child.ts",
      reference,
      String(runs),
    ],
    { cwd: repoRoot, stdio: ["pipe", "pipe", "inherit"], env: { ...process.env, ...env } },
  );
  return new Promise((resolve, reject) => {
    let out = "";
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) reject(new Error(`the Deno child failed (${code})`));
    });
    child.stdout!.on("data", (chunk) => {
      out += String(chunk);
      if (!out.includes("\n")) return;
      const result = JSON.parse(out.slice(0, out.indexOf("\n")));
      result.hwmKiB = procMemory(child.pid!).hwmKiB;
      child.stdin!.end();
      resolve(result);
    });
  });
}

async function main(): Promise<void> {
  const runs = numberOption("runs", "BENCH_RUNS", 3);
  const image = await benchImage("big");
  const registry = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), "stevedore-bench-edge-"));
  try {
    const reference = await pushImage(image, registry.registry);
    const entry = join(dir, "bench_worker.js");
    await writeFile(entry, benchWorker());
    const build = await run("node", [
      "examples/worker/build.mjs",
      join(dir, "out"),
      "--entry",
      entry,
      "--image",
      reference,
      "--insecure",
      "--listen",
      "127.0.0.1:0",
    ]);
    if (build.code !== 0) throw new Error(`build failed: ${build.stderr}`);
    const worker = await startWorkerd(join(dir, "out", "config.capnp"));
    const rows: Record<string, string | number | boolean>[] = [];
    try {
      const url = `http://127.0.0.1:${worker.port}`;
      const kernels = await (await fetch(`${url}/kernels`)).json();
      const idle = procMemory(worker.pid);
      const times: number[] = [];
      for (let i = 0; i <= runs; i++) {
        const t0 = performance.now();
        const response = await fetch(`${url}/pull`);
        if (response.status !== 200) throw new Error(`workerd pull: ${await response.text()}`);
        await response.arrayBuffer();
        if (i > 0) times.push(performance.now() - t0);
      }
      const held = procMemory(worker.pid);
      const ms = median(times);
      rows.push({
        runtime: "workerd",
        kernels: `${kernels.sha256}/${kernels.inflate}`,
        ms: round(ms),
        mbps: round(image.compressedBytes / MiB / (ms / 1000)),
        rssHeldMiB: round(held.rssKiB / 1024),
        liveBuffersMiB: "",
        rssIdleMiB: round(idle.rssKiB / 1024),
        hwmMiB: round(held.hwmKiB / 1024),
      });
    } finally {
      await worker.stop();
    }
    for (
      const [label, flags, env] of [
        ["deno", [], {}],
        ["deno (wasm)", ["--allow-env=STEVEDORE_KERNELS"], { STEVEDORE_KERNELS: "wasm" }],
      ] as const
    ) {
      const result = await denoPulls(reference, runs, [...flags], env);
      const ms = median(result.times);
      rows.push({
        runtime: label,
        kernels: `${result.kernels.sha256}/${result.kernels.inflate}`,
        ms: round(ms),
        mbps: round(image.compressedBytes / MiB / (ms / 1000)),
        rssHeldMiB: round(result.held.rss / MiB),
        liveBuffersMiB: round(result.held.external / MiB),
        rssIdleMiB: round(result.before.rss / MiB),
        hwmMiB: round(result.hwmKiB / 1024),
      });
    }
    const deno = Number(rows.find((r) => r.runtime === "deno")!.ms);
    for (const row of rows) row.vsDeno = round(Number(row.ms) / deno, 2);
    for (const row of rows) console.log(JSON.stringify({ bench: "edge", image: "big", ...row }));
    console.log(`\nbig: ${mib(image.compressedBytes)} MiB gzip, ${runs} runs`);
    report(rows);
  } finally {
    await registry.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
