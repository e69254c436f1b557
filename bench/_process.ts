/**
 * Timing a whole process for the benchmarks: wall time, CPU time and peak RSS of one run,
 * through `/usr/bin/time` when it exists (wall time alone otherwise), and the command lines
 * that run our CLI on each runtime.
 *
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { runtimeName } from "./_report.ts";

const GNU_TIME = "/usr/bin/time";

/** The repository's root folder. */
export const repoRoot: string = fileURLToPath(new URL("..", import.meta.url));

/** What one process run cost. */
export interface ProcessRun {
  /** Wall time, in milliseconds, measured by the parent around spawn and exit. */
  ms: number;
  /** User + system CPU time in milliseconds, when measured. */
  cpuMs?: number;
  /** Peak RSS in KiB, when measured. */
  maxRssKiB?: number;
  /** What the process printed on standard output. */
  stdout: string;
}

/**
 * Variables of this machine's environment that tax every start of one runtime and that a
 * default install does not set: `NODE_EXTRA_CA_CERTS` (here the whole system bundle) makes
 * Node read and parse ~140 certificates before running anything, ~40 ms of each start.
 * Timed processes run without them unless `BENCH_KEEP_ENV=1`.
 */
export const MACHINE_ONLY_ENV: readonly string[] = ["NODE_EXTRA_CA_CERTS"];

/** The environment timed processes run in (see {@linkcode MACHINE_ONLY_ENV}). */
export function benchEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  if (process.env.BENCH_KEEP_ENV !== "1") { for (const key of MACHINE_ONLY_ENV) delete env[key]; }
  return { ...env, ...extra };
}

/** Options of {@linkcode timeProcess}. */
export interface TimeProcessOptions {
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** The working folder. @default the repository root */
  cwd?: string;
}

/**
 * Runs `argv` to its end in {@linkcode benchEnvironment} and returns its wall time (and CPU
 * time and peak RSS through `/usr/bin/time`); throws with its standard error when it fails.
 */
export async function timeProcess(
  argv: string[],
  options: TimeProcessOptions = {},
): Promise<ProcessRun> {
  const timed = existsSync(GNU_TIME);
  const dir = timed ? await mkdtemp(join(tmpdir(), "stevedore-bench-time-")) : "";
  const report = join(dir, "time");
  const [command, ...args] = timed ? [GNU_TIME, "-o", report, "-f", "%U %S %M", ...argv] : argv;
  try {
    const { ms, stdout } = await new Promise<{ ms: number; stdout: string }>(
      (resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(command, args, {
          cwd: options.cwd ?? repoRoot,
          env: benchEnvironment(options.env),
          stdio: ["ignore", "pipe", "pipe"],
        });
        let out = "";
        let err = "";
        child.stdout!.setEncoding("utf8").on("data", (text: string) => out += text);
        child.stderr!.setEncoding("utf8").on("data", (text: string) => err += text);
        child.on("error", reject);
        child.on("close", (code) => {
          const ms = performance.now() - t0;
          if (code === 0) resolve({ ms, stdout: out });
          else reject(new Error(`${argv.join(" ")} failed (${code}): ${err.slice(-2000)}`));
        });
      },
    );
    if (!timed) return { ms, stdout };
    const [user, system, rss] = (await readFile(report, "utf8")).trim().split("\n").at(-1)!
      .split(" ").map(Number);
    return { ms, cpuMs: (user + system) * 1000, maxRssKiB: rss, stdout };
  } finally {
    if (timed) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the machine's dirty pages to disk (`sync`), untimed, before a timed run: what the
 * previous tool wrote (podman unpacks hundreds of MiB) would otherwise be written back
 * while the next tool runs, and slow whichever tool comes after it.
 */
export function flushDisk(): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sync", [], { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", () => resolve());
  });
}

/**
 * The command line of our CLI on the runtime the benchmark runs on: the built bundle
 * `dist/cli.js` (`deno run -A dist/cli.js`, `bun dist/cli.js`, `node dist/cli.js`: what the
 * README gives; build it with `npm run build`) when there is one, else (or with `source`)
 * the TypeScript entry (`deno run -A cli.ts`, `bun cli.ts`, `node --import tsx cli.ts`).
 */
export function cliCommand(options: { source?: boolean } = {}): { argv: string[]; label: string } {
  const dist = join(repoRoot, "dist", "cli.js");
  const built = !options.source && existsSync(dist);
  const entry = built ? dist : join(repoRoot, "cli.ts");
  const name = built ? "dist/cli.js" : "cli.ts";
  switch (runtimeName()) {
    case "deno":
      return { argv: [process.execPath, "run", "-A", entry], label: `deno run -A ${name}` };
    case "bun":
      return { argv: [process.execPath, entry], label: `bun ${name}` };
    default:
      return built ? { argv: [process.execPath, entry], label: `node ${name}` } : {
        argv: [process.execPath, "--import", "tsx", entry],
        label: `node --import tsx ${name}`,
      };
  }
}

/**
 * The argv of `stevedore pull -q` of `source` (a plain-HTTP registry) into the store at
 * `root`, with `registriesConf`, on this runtime (see {@linkcode cliCommand}).
 */
export function cliPullArgv(root: string, registriesConf: string, source: string): string[] {
  const flags = ["--root", root, "--registries-conf", registriesConf];
  return [...cliCommand().argv, ...flags, "pull", "-q", "--tls-verify=false", source];
}
