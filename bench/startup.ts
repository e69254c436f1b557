/**
 * Start-up benchmark: the process time of `stevedore version` and of `stevedore images` on
 * an empty store, against `skopeo --version` and `podman images` (empty `vfs` store), and
 * against the runtime's own floor (an empty module run the same way), in one interleaved
 * run: wall time and CPU time (user + system, through `/usr/bin/time`), one warm-up round,
 * then the median of `--runs`. Our rows also give the median minus the floor's.
 *
 *   deno run -A bench/startup.ts [--runs 15]   (or: npx tsx …, bun …)
 *
 * Our CLI runs as the README gives it: the bundle `dist/cli.js` on each runtime (build it
 * first: `npm run build`); on Deno and Bun also the TypeScript entry `cli.ts` as it is.
 * Environment: `BENCH_RUNS`, `BENCH_SKIP_PODMAN=1`, `BENCH_KEEP_ENV=1` (keep
 * `NODE_EXTRA_CA_CERTS`: see `_process.ts`).
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { hasPodman, podmanCommand } from "./_podman.ts";
import { cliCommand, MACHINE_ONLY_ENV, type ProcessRun, timeProcess } from "./_process.ts";
import { machineLoad, median, numberOption, report, round, runtimeName } from "./_report.ts";
import { hasSkopeo, SKOPEO } from "./_skopeo.ts";

const runs = numberOption("runs", "BENCH_RUNS", 15);
const work = await mkdtemp(join(tmpdir(), "sb-"));
try {
  const root = join(work, "store");
  const cli = cliCommand();
  // The floor: an empty module, run as the CLI is (same runtime, flags and folder).
  const empty = join(work, "empty.mjs");
  await writeFile(empty, "");
  const floor = [...cli.argv.slice(0, -1), empty]; // the script is the last argument
  const floorLabel = `${cli.label.split(" ").slice(0, -1).join(" ")} <empty module>`;
  const commands: [string, string[], Record<string, string>?][] = [
    [`${cli.label} version`, [...cli.argv, "version"]],
    [`${cli.label} images`, [...cli.argv, "--root", root, "images"]],
    [floorLabel, floor],
  ];
  // Deno and Bun also run the TypeScript entry as it is (Node needs a loader for it).
  const source = cliCommand({ source: true });
  if (source.label !== cli.label && runtimeName() !== "node") {
    commands.push([`${source.label} version`, [...source.argv, "version"]]);
    commands.push([`${source.label} images`, [...source.argv, "--root", root, "images"]]);
  }
  if (hasSkopeo()) commands.push(["skopeo --version", [SKOPEO, "--version"]]);
  if (hasPodman(process.env)) {
    const podman = await podmanCommand(join(work, "p"), ["images"]);
    commands.push(["podman images", podman.argv, podman.env]);
  }
  const samples = new Map<string, ProcessRun[]>(commands.map(([label]) => [label, []]));
  const before = machineLoad();
  for (let run = 0; run <= runs; run++) {
    for (const [label, argv, env] of commands) {
      const sample = await timeProcess(argv, { env });
      if (run > 0) samples.get(label)!.push(sample);
    }
  }
  const floorMs = median(samples.get(floorLabel)!.map((s) => s.ms));
  report([...samples].map(([command, list]) => ({
    runtime: runtimeName(),
    command,
    median_ms: round(median(list.map((s) => s.ms))),
    over_floor_ms: command.startsWith(cli.label) || command.startsWith(source.label)
      ? round(median(list.map((s) => s.ms)) - floorMs)
      : "",
    min_ms: round(Math.min(...list.map((s) => s.ms))),
    cpu_ms: list.every((s) => s.cpuMs !== undefined)
      ? round(median(list.map((s) => s.cpuMs!)))
      : "",
    peak_rss_MiB: list.every((s) => s.maxRssKiB !== undefined)
      ? round(median(list.map((s) => s.maxRssKiB!)) / 1024)
      : "",
    runs,
  })));
  console.log(`\nmachine: before ${before}; after ${machineLoad()}`);
  const kept = process.env.BENCH_KEEP_ENV === "1";
  console.log(`environment: ${MACHINE_ONLY_ENV.join(", ")} ${kept ? "kept" : "unset"}`);
} finally {
  await rm(work, { recursive: true, force: true });
}
