/**
 * Archive benchmark: `Runtime.save` and `Runtime.load` of the 20-layer and the 200 MiB
 * images, as `docker-archive` and `oci-archive`, against `skopeo copy` in the same run.
 *
 * - save: ours goes store → archive; skopeo goes `oci:` layout → archive.
 * - load: ours goes archive → a fresh store; skopeo goes archive → a fresh `oci:` layout.
 *   Both load the archive skopeo wrote (so both read the same bytes).
 *
 * The four operations run interleaved; one warm-up round, then the median of `--runs`
 * (default 3) rounds. The machine's load averages before and after are printed.
 *
 *   deno run -A bench/archive.ts [--runs 3]   (or: npx tsx bench/archive.ts, bun bench/archive.ts)
 *
 * Environment: `BENCH_RUNS`, `BENCH_IMAGES` (default `many,big`), `BENCH_CACHE_DIR` (see
 * `_images.ts`).
 *
 * @module
 */
import { mkdtemp, rm, stat } from "node:fs/promises";
import process from "node:process";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../src/copy/mod.ts";
import { NodeFileSystem } from "../src/fs/mod.ts";
import { Runtime, runtimeParts } from "../src/runtime/mod.ts";
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
import { hasSkopeo, skopeoCopy } from "./_skopeo.ts";

type Format = "docker-archive" | "oci-archive";

const runs = numberOption("runs", "BENCH_RUNS", 3);

function openRuntime(work: string, root: string): Promise<Runtime> {
  return Runtime.open({ root, env: {}, homeDir: work, warn: () => {} });
}

/** `docker-archive:PATH:NAME` or `oci-archive:PATH:v1`. */
function archiveRef(format: Format, path: string, name: string): string {
  return format === "docker-archive" ? `docker-archive:${path}:${name}` : `oci-archive:${path}:v1`;
}

async function benchFormat(
  work: string,
  runtime: Runtime,
  image: BenchImage,
  format: Format,
): Promise<Record<string, string | number>[]> {
  const name = `localhost/bench/${image.name}:v1`;
  const path = (tool: string, run: number) => join(work, `${tool}-${format}-${run}.tar`);
  const remove = (p: string) => rm(p, { recursive: true, force: true });
  // Both loads read the archive of skopeo's warm-up save (run 0).
  const archive = path("skopeo", 0);
  const saveOurs: number[] = [];
  const saveSkopeo: number[] = [];
  const loadOurs: number[] = [];
  const loadSkopeo: number[] = [];
  // Interleaved, so that a change of load on the machine slows both tools alike; run 0
  // warms the page cache and the JIT and is not counted.
  for (let run = 0; run <= runs; run++) {
    const keep = (times: number[], ms: number) => run > 0 && times.push(ms);
    keep(saveOurs, await timeMs(() => runtime.save([name], { format, output: path("ours", run) })));
    await remove(path("ours", run));
    keep(
      saveSkopeo,
      await timeMs(() => skopeoCopy(ociRef(image), archiveRef(format, path("skopeo", run), name))),
    );
    if (run > 0) await remove(path("skopeo", run));
    const store = join(work, `load-store-${run}`);
    keep(
      loadOurs,
      await timeMs(async () => (await openRuntime(work, store)).load(archive)),
    );
    await remove(store);
    const layout = join(work, `load-oci-${run}`);
    keep(
      loadSkopeo,
      await timeMs(() => skopeoCopy(archiveRef(format, archive, name), `oci:${layout}:v1`)),
    );
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
    const om = median(o);
    const sm = median(s);
    rows.push(
      {
        ...base,
        op,
        tool: "stevedore",
        median_ms: round(om),
        min_ms: round(o[0]),
        ratio: round(om / sm, 2),
      },
      { ...base, op, tool: "skopeo", median_ms: round(sm), min_ms: round(s[0]), ratio: 1 },
    );
  }
  return rows;
}

if (!hasSkopeo()) throw new Error("skopeo is required at /usr/bin/skopeo");
const work = await mkdtemp(join(tmpdir(), "stevedore-bench-archive-"));
const before = machineLoad();
try {
  const runtime = await openRuntime(work, join(work, "store"));
  const rows: Record<string, string | number>[] = [];
  const names = (process.env.BENCH_IMAGES ?? "many,big").split(",") as BenchImageName[];
  for (const imageName of names) {
    const image = await benchImage(imageName);
    await copyBetween(
      ociRef(image),
      containersStorageTransport(runtimeParts(runtime).store).parse(
        `localhost/bench/${image.name}:v1`,
      ),
      { context: { fs: new NodeFileSystem() } },
    );
    for (const format of ["docker-archive", "oci-archive"] as const) {
      rows.push(...await benchFormat(work, runtime, image, format));
    }
  }
  report(rows);
  console.log(`\nmachine: before ${before}; after ${machineLoad()}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
