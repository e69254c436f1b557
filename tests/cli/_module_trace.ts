// Runs the command line like `runCli`, on the runtime the tests run on, with
// `_trace_preload.ts` preloaded, and returns the module files the process loaded.
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type CliResult, repoRoot, testRuntime } from "./_cli.ts";

/** A CLI run and the modules it loaded. */
export interface TracedRun extends CliResult {
  /**
   * The module files loaded, as repository paths (`src/cli/main.ts`) or, for packages,
   * from their `node_modules/` folder on (`node_modules/fflate/esm/index.mjs`).
   */
  modules: string[];
}

/** The preload that records the modules. */
const PRELOAD = "tests/cli/_trace_preload.ts";

function preloadArgs(preload: string): [string, string[]] {
  const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
  switch (testRuntime()) {
    case "deno":
      return [bin("deno"), ["run", "-A", "--preload", preload, "cli.ts"]];
    case "bun":
      return [bin("bun"), ["--preload", `./${preload}`, "cli.ts"]];
    default:
      return ["node", ["--import", "tsx", "--import", `./${preload}`, "cli.ts"]];
  }
}

/** The TypeScript loader of the Node runs (tsx and its esbuild): not the CLI's modules. */
const LOADER = /^node_modules\/(?:tsx|esbuild)\//;

/**
 * A loaded script's path or URL as a repository path; undefined for built-in modules, the
 * preload itself and the test loader.
 */
function moduleName(entry: string): string | undefined {
  if (!entry.startsWith("/") && !entry.startsWith("file:")) return undefined;
  const path = entry.startsWith("file:") ? fileURLToPath(entry) : entry;
  const packages = path.lastIndexOf("/node_modules/");
  const name = packages >= 0
    ? path.slice(packages + 1)
    : relative(repoRoot, path).replaceAll("\\", "/");
  return LOADER.test(name) || name === PRELOAD ? undefined : name;
}

/** Runs the CLI with `args` and `env` (on top of a minimal environment), tracing its modules. */
export async function traceCli(
  args: string[],
  env: Record<string, string> = {},
): Promise<TracedRun> {
  const dir = await mkdtemp(join(tmpdir(), "stevedore-trace-"));
  try {
    const out = join(dir, "modules.txt");
    const [command, lead] = preloadArgs(PRELOAD);
    const result = spawnSync(command, [...lead, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", STEVEDORE_TRACE_OUT: out, ...env },
      encoding: "utf8",
      input: "",
      timeout: 120_000,
    });
    const listed = await readFile(out, "utf8").catch(() => "");
    const modules = [...new Set(listed.split("\n").map(moduleName))]
      .filter((name): name is string => name !== undefined && name !== "");
    return {
      code: result.status ?? -1,
      stdout: result.stdout ?? "",
      stderr: result.stderr ?? "",
      modules,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
