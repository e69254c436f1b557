// Runs the real command line as a child process on the runtime the tests run on
// ($STEVEDORE_TEST_RUNTIME, else detected), with a temporary store and configuration.
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** The runtime the CLI runs on. */
export function testRuntime(): "deno" | "node" | "bun" {
  const given = process.env.STEVEDORE_TEST_RUNTIME;
  if (given === "deno" || given === "node" || given === "bun") return given;
  if ("Deno" in globalThis) return "deno";
  if ("Bun" in globalThis) return "bun";
  return "node";
}

/** The command and leading arguments that run cli.ts (or another entry point, e.g. server.ts). */
export function cliCommand(entry = "cli.ts"): [string, string[]] {
  const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
  switch (testRuntime()) {
    case "deno":
      return [bin("deno"), ["run", "-A", entry]];
    case "bun":
      return [bin("bun"), [entry]];
    default:
      return ["node", ["--import", "tsx", entry]];
  }
}

/** What a run printed and how it ended. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** The shell command line that runs the CLI with `args` (for `script`). */
export function shellCommand(args: string[]): string {
  const [command, lead] = cliCommand();
  return [command, ...lead, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
}

/**
 * The global flags that give a CLI test a store of its own under `dir` and only the
 * registries.conf `conf` (no drop-in folder).
 */
export function storeFlags(dir: string, conf: string = join(dir, "registries.conf")): string[] {
  return ["--root", join(dir, "root"), "--registries-conf", conf, "--registries-conf-dir", ""];
}

/** Runs the CLI with `args` and `env` (on top of a minimal environment). */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): CliResult {
  const [command, lead] = cliCommand();
  const result = spawnSync(command, [...lead, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    encoding: "utf8",
    input: input ?? "",
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/**
 * Runs the CLI like {@linkcode runCli} without blocking this process, so that servers
 * running in it (a fault proxy) keep answering.
 */
export function runCliAsync(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  const [command, lead] = cliCommand();
  const child = spawn(command, [...lead, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (text: string) => stdout += text);
  child.stderr.setEncoding("utf8").on("data", (text: string) => stderr += text);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
