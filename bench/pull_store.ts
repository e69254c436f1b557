/**
 * Pull benchmark of what users run: images from a local CNCF distribution registry into a
 * fresh local store, four ways in one interleaved run (a fresh destination for every pull;
 * one warm-up round, then the median of `--runs`):
 *
 * - `Runtime.pull` in this process (the runtime opened on a fresh store first, not timed; on
 *   Node from the built `dist/` when there is one, as npm users run it);
 * - the `stevedore pull` process (`deno run -A cli.ts`, `bun cli.ts`, `node dist/cli.js`);
 * - `skopeo copy docker://… oci:…` (the ratio's denominator);
 * - `podman pull` into a fresh `vfs` store (skipped with `BENCH_SKIP_PODMAN=1`).
 *
 *   deno run -A bench/pull_store.ts [--runs 5]   (or: npx tsx …, bun …)
 *
 * Environment: `BENCH_RUNS`, `BENCH_IMAGES` (default `big,many`), `BENCH_SKIP_PODMAN=1`,
 * `BENCH_CACHE_DIR`.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import type { Runtime as RuntimeClass } from "../src/runtime/mod.ts";
import { startRegistry } from "../tests/helpers/registry_server.ts";
import { type BenchImage, benchImage, type BenchImageName, mib, pushImage } from "./_images.ts";
import { hasPodman, insecureRegistriesConf, podmanPull } from "./_podman.ts";
import { cliCommand, cliPullArgv, flushDisk, repoRoot, timeProcess } from "./_process.ts";
import {
  machineLoad,
  median,
  numberOption,
  report,
  round,
  runtimeName,
  timeMs,
} from "./_report.ts";
import { hasSkopeo, skopeoPullArgv } from "./_skopeo.ts";

type Tool = "Runtime.pull" | "stevedore pull" | "skopeo copy" | "podman pull";

interface Sample {
  ms: number;
  cpuMs?: number;
}

/** Where `Runtime` comes from: on Node the built `dist/` (what npm users run), if built. */
const distModule = join(repoRoot, "dist", "mod.js");
const fromDist = runtimeName() === "node" && existsSync(distModule);
const { Runtime }: { Runtime: typeof RuntimeClass } = fromDist
  ? await import(pathToFileURL(distModule).href)
  : await import("../src/runtime/mod.ts");

async function pullInProcess(work: string, root: string, source: string): Promise<Sample> {
  const runtime = await Runtime.open({ root, env: {}, homeDir: work, warn: () => {} });
  const cpu = process.cpuUsage();
  const ms = await timeMs(() => runtime.pull(source, { tlsVerify: false, policy: "always" }));
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

async function pullProcess(root: string, source: string, conf: string): Promise<Sample> {
  const run = await timeProcess(cliPullArgv(root, conf, source));
  if (!/^[0-9a-f]{64}$/.test(run.stdout.trim())) {
    throw new Error(`stevedore pull printed ${JSON.stringify(run.stdout)}, not an image ID`);
  }
  return run;
}

async function timeImage(
  image: BenchImage,
  source: string,
  conf: string,
  work: string,
  runs: number,
  podman: boolean,
): Promise<Record<string, string | number>[]> {
  const samples = new Map<Tool, Sample[]>();
  const tools: [Tool, (dest: string) => Promise<Sample>][] = [
    ["Runtime.pull", (dest) => pullInProcess(work, dest, `docker://${source}`)],
    ["stevedore pull", (dest) => pullProcess(dest, source, conf)],
    ["skopeo copy", (dest) => timeProcess(skopeoPullArgv(source, dest))],
  ];
  if (podman) tools.push(["podman pull", () => podmanPull(source, conf)]);
  for (let run = 0; run <= runs; run++) {
    // Run 0 warms the page cache and the JIT; it is not counted. Tools alternate, so a
    // change of load on the machine slows them alike, and each starts with nothing left to
    // write back from the one before.
    for (const [tool, pull] of tools) {
      const dest = join(work, `${tool.replace(/\W/g, "-")}-${image.name}-${run}`);
      await flushDisk();
      const sample = await pull(dest);
      await rm(dest, { recursive: true, force: true });
      if (run === 0) continue;
      if (!samples.has(tool)) samples.set(tool, []);
      samples.get(tool)!.push(sample);
    }
  }
  const skopeo = median(samples.get("skopeo copy")!.map((s) => s.ms));
  const rows: Record<string, string | number>[] = [];
  for (const [tool, list] of samples) {
    const ms = median(list.map((s) => s.ms));
    const cpu = list.every((s) => s.cpuMs !== undefined)
      ? round(median(list.map((s) => s.cpuMs!)))
      : "";
    rows.push({
      runtime: runtimeName(),
      image: image.name,
      layers: image.layers,
      MiB: Number(mib(image.compressedBytes)),
      tool: tool === "stevedore pull"
        ? `${tool} (${cliCommand().label})`
        : tool === "Runtime.pull" && fromDist
        ? `${tool} (dist/)`
        : tool,
      median_ms: round(ms),
      min_ms: round(Math.min(...list.map((s) => s.ms))),
      cpu_ms: cpu,
      vs_skopeo: round(ms / skopeo, 2),
    });
  }
  const podmanMs = samples.has("podman pull")
    ? median(samples.get("podman pull")!.map((s) => s.ms))
    : undefined;
  for (const row of rows) {
    row.podman_over_this = podmanMs === undefined ? "" : round(podmanMs / Number(row.median_ms), 1);
  }
  return rows;
}

async function main(): Promise<void> {
  if (!hasSkopeo()) throw new Error("skopeo is required at /usr/bin/skopeo");
  const runs = numberOption("runs", "BENCH_RUNS", 5);
  const names = (process.env.BENCH_IMAGES ?? "big,many").split(",") as BenchImageName[];
  const podman = hasPodman(process.env);
  const registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), "stevedore-bench-pull-store-"));
  try {
    const conf = await insecureRegistriesConf(join(work, "conf"), registry.registry);
    const before = machineLoad();
    const rows: Record<string, string | number>[] = [];
    for (const name of names) {
      const image = await benchImage(name);
      const source = await pushImage(image, registry.registry);
      rows.push(...await timeImage(image, source, conf, work, runs, podman));
    }
    report(rows);
    console.log(`\nmachine: before ${before}; after ${machineLoad()}`);
  } finally {
    await rm(work, { recursive: true, force: true });
    await registry.stop();
  }
}

await main();
