/**
 * Pull benchmark: `copyBetween("docker://…", "oci:DIR:v1")` from a local CNCF distribution
 * registry against `skopeo copy` of the same images in the same run (a fresh destination
 * for every copy; one warm-up each, then the median of `--runs`), plus the peak RSS of a
 * child process copying a 1 GiB layer, against skopeo's.
 *
 *   deno run -A bench/pull.ts [--runs 3]      (or: npx tsx bench/pull.ts, bun bench/pull.ts)
 *
 * Environment: `BENCH_RUNS`, `BENCH_SKIP_RSS=1` (no 1 GiB copy), `BENCH_CACHE_DIR`.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, pathToFileURL } from "node:url";
import { copyBetween } from "../src/copy/mod.ts";
import { NodeFileSystem } from "../src/fs/mod.ts";
import { startRegistry } from "../tests/helpers/registry_server.ts";
import { type BenchImage, benchImage, mib, pushImage } from "./_images.ts";
import {
  median,
  numberOption,
  procMemory,
  report,
  round,
  runtimeCommand,
  runtimeName,
  timeMs,
} from "./_report.ts";
import { hasSkopeo, skopeoCopy } from "./_skopeo.ts";

const repoRoot = fileURLToPath(new URL("..", import.meta.url));

function ours(source: string, dest: string): Promise<unknown> {
  return copyBetween(`docker://${source}`, `oci:${dest}:v1`, {
    context: { fs: new NodeFileSystem(), tlsVerify: false },
  });
}

function theirs(source: string, dest: string): Promise<unknown> {
  return skopeoCopy(`docker://${source}`, `oci:${dest}:v1`, {
    flags: ["--src-tls-verify=false"],
  });
}

/** Child mode: one copy, then our own peak RSS as JSON on stdout. */
async function child(source: string, dest: string): Promise<void> {
  const before = procMemory();
  const ms = await timeMs(() => ours(source, dest));
  const after = procMemory();
  console.log(JSON.stringify({ baselineKiB: before.rssKiB, hwmKiB: after.hwmKiB, ms }));
}

/**
 * The same child on plain Node with the built package (`dist/mod.js`, no tsx loader), as
 * npm users run it.
 */
function distChildArgs(source: string, dest: string): string[] {
  const mod = pathToFileURL(join(repoRoot, "dist", "mod.js")).href;
  const script = `
    import { readFileSync } from "node:fs";
    const { copyBetween, NodeFileSystem } = await import(${JSON.stringify(mod)});
    const mem = (f) => parseInt(readFileSync("/proc/self/status", "utf8").split("\\n")
      .find((line) => line.startsWith(f + ":")).slice(f.length + 1));
    const baselineKiB = mem("VmRSS");
    await copyBetween(${JSON.stringify(`docker://${source}`)}, ${JSON.stringify(`oci:${dest}:v1`)},
      { context: { fs: new NodeFileSystem(), tlsVerify: false } });
    console.log(JSON.stringify({ baselineKiB, hwmKiB: mem("VmHWM") }));`;
  return [process.execPath, "--input-type=module", "-e", script];
}

function runChild(
  source: string,
  dest: string,
  dist = false,
): Promise<{ hwmKiB: number; baselineKiB: number }> {
  const [command, ...args] = dist
    ? distChildArgs(source, dest)
    : [...runtimeCommand(fileURLToPath(import.meta.url)), "--rss-child", source, dest];
  return new Promise((resolve, reject) => {
    const proc = spawn(command, args, {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    proc.stdout!.setEncoding("utf8").on("data", (text: string) => out += text);
    proc.stderr!.setEncoding("utf8").on("data", (text: string) => err += text);
    proc.on("error", reject);
    proc.on("close", (code) => {
      if (code !== 0) reject(new Error(`RSS child failed (${code}): ${err.slice(-2000)}`));
      else resolve(JSON.parse(out.trim().split("\n").at(-1)!));
    });
  });
}

async function timeImage(
  image: BenchImage,
  source: string,
  work: string,
  runs: number,
): Promise<Record<string, string | number>[]> {
  const oursMs: number[] = [];
  const skopeoMs: number[] = [];
  for (let run = 0; run <= runs; run++) {
    // Run 0 warms the page cache and the JIT; it is not counted.
    for (
      const [tool, fn, times] of [["ours", ours, oursMs], ["skopeo", theirs, skopeoMs]] as const
    ) {
      const dest = join(work, `${tool}-${image.name}-${run}`);
      const ms = await timeMs(() => fn(source, dest));
      if (run > 0) times.push(ms);
      await rm(dest, { recursive: true, force: true });
    }
  }
  const o = median(oursMs);
  const s = median(skopeoMs);
  const base = {
    runtime: runtimeName(),
    image: image.name,
    layers: image.layers,
    MiB: Number(mib(image.compressedBytes)),
    runs,
  };
  return [
    {
      ...base,
      tool: "stevedore",
      median_ms: round(o),
      min_ms: round(oursMs[0]),
      ratio: round(o / s, 2),
    },
    { ...base, tool: "skopeo", median_ms: round(s), min_ms: round(skopeoMs[0]), ratio: 1 },
  ];
}

async function main(): Promise<void> {
  if (!hasSkopeo()) throw new Error("skopeo is required at /usr/bin/skopeo");
  const runs = numberOption("runs", "BENCH_RUNS", 3);
  const registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), "stevedore-bench-pull-"));
  try {
    const rows: Record<string, string | number>[] = [];
    for (const name of ["big", "many"] as const) {
      const image = await benchImage(name);
      const source = await pushImage(image, registry.registry);
      rows.push(...await timeImage(image, source, work, runs));
    }
    report(rows);
    if (process.env.BENCH_SKIP_RSS !== "1") {
      const image = await benchImage("huge");
      const source = await pushImage(image, registry.registry);
      const oursRss = await runChild(source, join(work, "rss-ours"));
      await rm(join(work, "rss-ours"), { recursive: true, force: true });
      const skopeo = await skopeoCopy(`docker://${source}`, `oci:${join(work, "rss-skopeo")}:v1`, {
        flags: ["--src-tls-verify=false"],
        measureRss: true,
      });
      await rm(join(work, "rss-skopeo"), { recursive: true, force: true });
      const label = `huge (${mib(image.compressedBytes)} MiB gzip)`;
      const rssRows: Record<string, string | number>[] = [{
        runtime: runtimeName(),
        image: label,
        tool: "stevedore",
        peak_rss_MiB: round(oursRss.hwmKiB / 1024),
        idle_rss_MiB: round(oursRss.baselineKiB / 1024),
      }];
      if (runtimeName() === "node" && existsSync(join(repoRoot, "dist", "mod.js"))) {
        const dist = await runChild(source, join(work, "rss-dist"), true);
        await rm(join(work, "rss-dist"), { recursive: true, force: true });
        rssRows.push({
          runtime: "node",
          image: label,
          tool: "stevedore (dist/, no tsx)",
          peak_rss_MiB: round(dist.hwmKiB / 1024),
          idle_rss_MiB: round(dist.baselineKiB / 1024),
        });
      }
      console.log("");
      report([
        ...rssRows,
        {
          runtime: runtimeName(),
          image: label,
          tool: "skopeo",
          peak_rss_MiB: skopeo.maxRssKiB === undefined ? "n/a" : round(skopeo.maxRssKiB / 1024),
          idle_rss_MiB: "",
        },
      ]);
    }
  } finally {
    await rm(work, { recursive: true, force: true });
    await registry.stop();
  }
}

const at = process.argv.indexOf("--rss-child");
if (at >= 0) await child(process.argv[at + 1], process.argv[at + 2]);
else await main();
