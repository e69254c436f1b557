/**
 * Pull scaling benchmark: the `stevedore pull` process into a fresh store against
 * `skopeo copy docker://… oci:…`, interleaved, for images that grow in one dimension:
 *
 * - 1, 20 and 100 layers of 1 MiB (`l1`, `l20`, `l100`): the cost of a layer;
 * - one layer of 50 MiB, 200 MiB and 1 GiB (`s50`, `big`, `huge`): the cost of a byte.
 *
 * Each row gives the median wall time, CPU time and peak RSS (`/usr/bin/time`) of the whole
 * process; the last rows give the slopes (ms per extra layer, ms per extra MiB) from the
 * smallest to the largest image of each series. One warm-up round, then `--runs` (default 3).
 *
 *   deno run -A bench/pull_scaling.ts [--runs 3]   (or: npx tsx …, bun …; Node runs dist/)
 *
 * Environment: `BENCH_RUNS`, `BENCH_IMAGES` (default `l1,l20,l100,s50,big,huge`),
 * `BENCH_CACHE_DIR`.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { startRegistry } from "../tests/helpers/registry_server.ts";
import { type BenchImage, benchImage, type BenchImageName, mib, pushImage } from "./_images.ts";
import { insecureRegistriesConf } from "./_podman.ts";
import { cliCommand, cliPullArgv, flushDisk, type ProcessRun, timeProcess } from "./_process.ts";
import { machineLoad, median, numberOption, report, round, runtimeName } from "./_report.ts";
import { hasSkopeo, skopeoPullArgv } from "./_skopeo.ts";

interface Summary {
  image: BenchImage;
  tool: string;
  ms: number;
  cpuMs: number;
  rssMiB: number;
}

function summarize(image: BenchImage, tool: string, list: ProcessRun[]): Summary {
  return {
    image,
    tool,
    ms: median(list.map((s) => s.ms)),
    cpuMs: median(list.map((s) => s.cpuMs ?? NaN)),
    rssMiB: Math.max(...list.map((s) => (s.maxRssKiB ?? NaN) / 1024)),
  };
}

async function measure(
  image: BenchImage,
  source: string,
  conf: string,
  work: string,
  runs: number,
): Promise<Summary[]> {
  const ours: ProcessRun[] = [];
  const theirs: ProcessRun[] = [];
  for (let run = 0; run <= runs; run++) {
    const store = join(work, `store-${image.name}-${run}`);
    await flushDisk();
    const a = await timeProcess(cliPullArgv(store, conf, source));
    await rm(store, { recursive: true, force: true });
    const layout = join(work, `oci-${image.name}-${run}`);
    await flushDisk();
    const b = await timeProcess(skopeoPullArgv(source, layout));
    await rm(layout, { recursive: true, force: true });
    if (run === 0) continue; // warm-up
    ours.push(a);
    theirs.push(b);
  }
  return [
    summarize(image, `stevedore pull (${cliCommand().label})`, ours),
    summarize(image, "skopeo copy", theirs),
  ];
}

function slope(
  rows: Summary[],
  from: BenchImageName,
  to: BenchImageName,
  unit: (image: BenchImage) => number,
): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  const tools = [...new Set(rows.map((r) => r.tool))];
  for (const tool of tools) {
    const a = rows.find((r) => r.tool === tool && r.image.name === from);
    const b = rows.find((r) => r.tool === tool && r.image.name === to);
    if (a === undefined || b === undefined) continue;
    out.push({
      tool,
      from,
      to,
      ms_per_unit: round((b.ms - a.ms) / (unit(b.image) - unit(a.image)), 2),
      cpu_ms_per_unit: round((b.cpuMs - a.cpuMs) / (unit(b.image) - unit(a.image)), 2),
    });
  }
  return out;
}

async function main(): Promise<void> {
  if (!hasSkopeo()) throw new Error("skopeo is required at /usr/bin/skopeo");
  const runs = numberOption("runs", "BENCH_RUNS", 3);
  const names = (process.env.BENCH_IMAGES ?? "l1,l20,l100,s50,big,huge")
    .split(",") as BenchImageName[];
  const registry = await startRegistry();
  const work = await mkdtemp(join(tmpdir(), "stevedore-bench-scaling-"));
  try {
    const conf = await insecureRegistriesConf(join(work, "conf"), registry.registry);
    const before = machineLoad();
    const rows: Summary[] = [];
    for (const name of names) {
      const image = await benchImage(name);
      const source = await pushImage(image, registry.registry);
      rows.push(...await measure(image, source, conf, work, runs));
    }
    report(rows.map((r) => ({
      runtime: runtimeName(),
      image: r.image.name,
      layers: r.image.layers,
      gzip_MiB: Number(mib(r.image.compressedBytes)),
      tool: r.tool,
      median_ms: round(r.ms),
      cpu_ms: round(r.cpuMs),
      peak_rss_MiB: round(r.rssMiB),
    })));
    const MiB = 1024 * 1024;
    const slopes = [
      ...slope(rows, "l1", "l100", (image) => image.layers),
      ...slope(rows, "s50", "huge", (image) => image.compressedBytes / MiB),
    ];
    if (slopes.length > 0) {
      console.log("\nper extra layer (l1 -> l100) and per extra gzip MiB (s50 -> huge):");
      report(slopes);
    }
    console.log(`\nmachine: before ${before}; after ${machineLoad()}`);
  } finally {
    await rm(work, { recursive: true, force: true });
    await registry.stop();
  }
}

await main();
