/**
 * Small helpers shared by the benchmarks: the runtime's name, timing with medians,
 * environment/flag numbers, peak RSS from `/proc`, and printing JSON lines and a table.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import process from "node:process";
import { pathToFileURL } from "node:url";

/** The runtime the benchmark runs on: `deno`, `bun` or `node`. */
export function runtimeName(): "deno" | "bun" | "node" {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Deno !== undefined) return "deno";
  if (g.Bun !== undefined) return "bun";
  return "node";
}

/** Whether the module with `meta` is the program's entry point (on Deno, Node and Bun). */
export function isMainModule(meta: ImportMeta): boolean {
  const main = (meta as ImportMeta & { main?: boolean }).main;
  if (typeof main === "boolean") return main;
  const entry = process.argv?.[1];
  return entry !== undefined && pathToFileURL(entry).href === meta.url;
}

/** The command line that runs `script` on this runtime (for child processes). */
export function runtimeCommand(script: string): string[] {
  switch (runtimeName()) {
    case "deno":
      return [process.execPath, "run", "-A", script];
    case "bun":
      return [process.execPath, script];
    default:
      return [process.execPath, "--import", "tsx", script];
  }
}

/** A positive number from `--name N` on the command line or `$ENV`, else `fallback`. */
export function numberOption(flag: string, env: string, fallback: number): number {
  const at = process.argv.indexOf(`--${flag}`);
  const raw = at >= 0 ? process.argv[at + 1] : process.env[env];
  const value = Number(raw);
  return raw !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}

/** The median of `values` (which it sorts). */
export function median(values: number[]): number {
  values.sort((a, b) => a - b);
  const mid = Math.floor(values.length / 2);
  return values.length % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

/** Milliseconds `fn` took. */
export async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** `VmHWM` and `VmRSS` of a process, in KiB, from `/proc/<pid>/status`. */
export function procMemory(pid: number | "self" = "self"): { hwmKiB: number; rssKiB: number } {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(text)?.[1]);
  return { hwmKiB: field("VmHWM"), rssKiB: field("VmRSS") };
}

/** Rounds to `digits` decimals. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** Prints each row as a JSON line, then the rows as an aligned table. */
export function report(rows: Record<string, string | number | boolean>[]): void {
  for (const row of rows) console.log(JSON.stringify(row));
  if (rows.length === 0) return;
  const columns = [...new Set(rows.flatMap((row) => Object.keys(row)))];
  const cell = (value: unknown) => value === undefined ? "" : String(value);
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (cells: string[]) =>
    cells.map((text, i) => typeof text === "string" ? text.padEnd(widths[i]) : text).join("  ");
  console.log("");
  console.log(line(columns));
  console.log(line(widths.map((w) => "-".repeat(w))));
  for (const row of rows) console.log(line(columns.map((c) => cell(row[c]))));
}

/** The machine's load averages and core count, for the report (`load 3.1 / 2.8 / 2.5 on 2 cores`). */
export function machineLoad(): string {
  const [one, five, fifteen] = loadavg();
  return `load ${one.toFixed(1)} / ${five.toFixed(1)} / ${
    fifteen.toFixed(1)
  } (1/5/15 min) on ${availableParallelism()} cores`;
}
