/**
 * Runs every benchmark in sequence on the runtime this script runs on (one at a time:
 * they compete for CPU and disk otherwise): kernels, pull, lookup, archive, server load,
 * edge (workerd against Deno), and (on Deno) the CLI start-up benchmark. Extra arguments go to every benchmark.
 *
 *   deno run -A bench/all.ts    (or: npx tsx bench/all.ts, bun bench/all.ts)
 *
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeCommand, runtimeName } from "./_report.ts";

const scripts = [
  "kernels.ts",
  "pull.ts",
  "pull_store.ts",
  "pull_scaling.ts",
  "startup.ts",
  "lookup.ts",
  "archive.ts",
  "server_load.ts",
  "edge.ts",
];
if (runtimeName() === "deno") scripts.push("cli_images.ts");

let failed = 0;
for (const script of scripts) {
  const [command, ...args] = runtimeCommand(fileURLToPath(new URL(script, import.meta.url)));
  console.log(`\n### ${script} (${runtimeName()})`);
  const result = spawnSync(command, [...args, ...process.argv.slice(2)], { stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`${script} failed (${result.status ?? result.signal})`);
    failed++;
  }
}
process.exitCode = failed === 0 ? 0 : 1;
