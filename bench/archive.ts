/**
 * Archive benchmark: `Runtime.save` and `Runtime.load` of the 20-layer and the 200 MiB
 * images, as `docker-archive` and `oci-archive`, against `skopeo copy` in the same run.
 *
 * - save: ours goes store → archive; skopeo goes `oci:` layout → archive.
 * - load: ours goes archive → a fresh store; skopeo goes archive → a fresh `oci:` layout.
 *   Both load the archive skopeo wrote (so both read the same bytes).
 *
 * The four operations run interleaved, each after a `sync` (untimed: no tool pays for the
 * write-back of the one before); one warm-up round, then the median of `--runs` (default 3)
 * rounds, with the CPU time (user + system) of each: ours in-process (`process.cpuUsage`),
 * skopeo's through `/usr/bin/time`. On Node, `Runtime` comes from the built `dist/` when
 * there is one (`npm run build`), as npm users run it. The machine's load averages before
 * and after are printed.
 *
 *   deno run -A bench/archive.ts [--runs 3]   (or: npx tsx bench/archive.ts, bun bench/archive.ts)
 *
 * Environment: `BENCH_RUNS`, `BENCH_IMAGES` (default `many,big`), `BENCH_CACHE_DIR` (see
 * `_images.ts`).
 *
 * @module
 */
import { existsSync } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { copyBetween } from "../src/copy/mod.ts";
import { NodeFileSystem } from "../src/fs/mod.ts";
import { Runtime as SourceRuntime, runtimeParts } from "../src/runtime/mod.ts";
import { containersStorageTransport } from "../src/transports/containers_storage/mod.ts";
import { type BenchImage, benchImage, type BenchImageName, mib, ociRef } from "./_images.ts";
import {
  machineLoad,
  median,
  numberOption,
  report,
  round,
  runtimeName,
  timeMs,
} from "./_report.ts";
import { hasSkopeo, SKOPEO } from "./_skopeo.ts";
import { flushDisk, repoRoot, timeProcess } from "./_process.ts";

type Format = "docker-archive" | "oci-archive";

const runs = numberOption("runs", "BENCH_RUNS", 3);

/** Where `Runtime` comes from: on Node the built `dist/` (what npm users run), if built. */
const distModule = join(repoRoot, "dist", "mod.js");
const fromDist = runtimeName() === "node" && existsSync(distModule);
const { Runtime }: { Runtime: typeof SourceRuntime } = fromDist
  ? await import(pathToFileURL(distModule).href)
  : await import("../src/runtime/mod.ts");

function openRuntime(work: string, root: string): Promise<SourceRuntime> {
  return Runtime.open({ root, env: {}, homeDir: work, warn: () => {} });
}

/** One timed operation: wall and CPU milliseconds. */
interface Sample {
  ms: number;
  cpuMs: number;
}

/** Times `fn` in this process, after a `sync`. */
async function timeOurs(fn: () => Promise<unknown>): Promise<Sample> {
  await flushDisk();
  const cpu = process.cpuUsage();
  const ms = await timeMs(fn);
  const used = process.cpuUsage(cpu);
  return { ms, cpuMs: (used.user + used.system) / 1000 };
}

/** Times `skopeo copy src dest` (wall and CPU), after a `sync`. */
async function timeSkopeo(src: string, dest: string): Promise<Sample> {
  await flushDisk();
  const run = await timeProcess([SKOPEO, "copy", "--insecure-policy", "-q", src, dest]);
  return { ms: run.ms, cpuMs: run.cpuMs ?? NaN };
}

/** `docker-archive:PATH:NAME` or `oci-archive:PATH:v1`. */
function archiveRef(format: Format, path: string, name: string): string {
  return format === "docker-archive" ? `docker-archive:${path}:${name}` : `oci-archive:${path}:v1`;
}

async function benchFormat(
  work: string,
  runtime: SourceRuntime,
  image: BenchImage,
  format: Format,
): Promise<Record<string, string | number>[]> {
  const name = `localhost/bench/${image.name}:v1`;
  const path = (tool: string, run: number) => join(work, `${tool}-${format}-${run}.tar`);
  const remove = (p: string) => rm(p, { recursive: true, force: true });
  // Both loads read the archive of skopeo's warm-up save (run 0).
  const archive = path("skopeo", 0);
  const saveOurs: Sample[] = [];
  const saveSkopeo: Sample[] = [];
  const loadOurs: Sample[] = [];
  const loadSkopeo: Sample[] = [];
  // Interleaved, so that a change of load on the machine slows both tools alike; run 0
  // warms the page cache and the JIT and is not counted.
  for (let run = 0; run <= runs; run++) {
    const keep = (samples: Sample[], sample: Sample) => run > 0 && samples.push(sample);
    keep(
      saveOurs,
      await timeOurs(() => runtime.save([name], { format, output: path("ours", run) })),
    );
    await remove(path("ours", run));
    keep(
      saveSkopeo,
      await timeSkopeo(ociRef(image), archiveRef(format, path("skopeo", run), name)),
    );
    if (run > 0) await remove(path("skopeo", run));
    const store = join(work, `load-store-${run}`);
    keep(loadOurs, await timeOurs(async () => (await openRuntime(work, store)).load(archive)));
    await remove(store);
    const layout = join(work, `load-oci-${run}`);
    keep(loadSkopeo, await timeSkopeo(archiveRef(format, archive, name), `oci:${layout}:v1`));
    await remove(layout);
  }
  const archiveSize = (await stat(archive)).size;
  await remove(archive);

  const rows: Record<string, string | number>[] = [];
  const base = {
    runtime: runtimeName(),
    image: image.name,
    format,
    archive_MiB: Number(mib(archiveSize)),
    runs,
  };
  for (
    const [op, o, s] of [["save", saveOurs, saveSkopeo], ["load", loadOurs, loadSkopeo]] as const
  ) {
    const sm = median(s.map((sample) => sample.ms));
    for (
      const [tool, samples] of [[fromDist ? "stevedore (dist/)" : "stevedore", o], [
        "skopeo",
        s,
      ]] as const
    ) {
      const ms = median(samples.map((sample) => sample.ms));
      rows.push({
        ...base,
        op,
        tool,
        median_ms: round(ms),
        min_ms: round(Math.min(...samples.map((sample) => sample.ms))),
        cpu_ms: round(median(samples.map((sample) => sample.cpuMs))),
        ratio: round(ms / sm, 2),
      });
    }
  }
  return rows;
}

if (!hasSkopeo()) throw new Error("skopeo is required at /usr/bin/skopeo");
const work = await mkdtemp(join(tmpdir(), "stevedore-bench-archive-"));
const before = machineLoad();
try {
  const root = join(work, "store");
  const rows: Record<string, string | number>[] = [];
  const names = (process.env.BENCH_IMAGES ?? "many,big").split(",") as BenchImageName[];
  // The images are stored by the sources' runtime (`runtimeParts` is not that of `dist/`).
  const filler = await SourceRuntime.open({ root, env: {}, homeDir: work, warn: () => {} });
  const store = containersStorageTransport(runtimeParts(filler).store);
  const images = [];
  for (const imageName of names) {
    const image = await benchImage(imageName);
    images.push(image);
    await copyBetween(ociRef(image), store.parse(`localhost/bench/${image.name}:v1`), {
      context: { fs: new NodeFileSystem() },
    });
  }
  const runtime = await openRuntime(work, root);
  for (const image of images) {
    for (const format of ["docker-archive", "oci-archive"] as const) {
      rows.push(...await benchFormat(work, runtime, image, format));
    }
  }
  report(rows);
  console.log(`\nmachine: before ${before}; after ${machineLoad()}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
