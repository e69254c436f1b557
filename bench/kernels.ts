/**
 * Kernel benchmark: SHA-256 and gzip/gunzip throughput of our WASM kernels against the
 * native and npm alternatives, on the runtime it runs on. Prints one JSON object per line
 * (`{"runtime","kernel","impl","mbps"}`) and then a table with ratios.
 *
 * Run: `deno task bench:kernels`, `npx tsx bench/kernels.ts`, `bun bench/kernels.ts`.
 * Options (environment): `BENCH_SIZE_MIB` (default 256), `BENCH_RUNS` (default 5).
 *
 * @module
 */
import { runSha256Bench } from "./kernels_sha256.ts";
import { runGzipBench } from "./kernels_gzip.ts";

interface BenchResult {
  runtime: string;
  kernel: string;
  impl: string;
  mbps: number;
}

function envNumber(name: string, fallback: number): number {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process
    ?.env;
  const value = Number(env?.[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

const sizeMiB = envNumber("BENCH_SIZE_MIB", 256);
const runs = envNumber("BENCH_RUNS", 5);
const results: BenchResult[] = [
  ...await runSha256Bench({ sizeMiB, runs }),
  ...await runGzipBench({ sizeMiB, runs }),
];
for (const result of results) console.log(JSON.stringify(result));

const kernels = [...new Set(results.map((r) => r.kernel))];
console.log(`\n${"kernel".padEnd(8)} ${"impl".padEnd(22)} ${"MB/s".padStart(9)} vs best`);
for (const kernel of kernels) {
  const rows = results.filter((r) => r.kernel === kernel);
  const best = Math.max(...rows.map((r) => r.mbps));
  for (const row of rows) {
    const ratio = (row.mbps / best).toFixed(2);
    console.log(
      `${kernel.padEnd(8)} ${row.impl.padEnd(22)} ${row.mbps.toFixed(1).padStart(9)} ${ratio}x`,
    );
  }
}
