// Running podman beside the CLI in tests: a throw-away vfs store under a test folder, and
// the environment both tools share (registries.conf with an insecure loopback registry).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import type { CliResult } from "./_cli.ts";

/** Where podman is expected. */
export const PODMAN = "/usr/bin/podman";

/** Whether podman is installed here. */
export const hasPodman = existsSync(PODMAN);

/** Runs podman over a vfs store under `dir` with `env`. */
export function runPodman(dir: string, env: Record<string, string>, args: string[]): CliResult {
  const result = spawnSync(PODMAN, [
    "--root",
    join(dir, "podman", "root"),
    "--runroot",
    join(dir, "podman", "run"),
    "--storage-driver",
    "vfs",
    "--events-backend",
    "file",
    "--cgroup-manager",
    "cgroupfs",
    ...args,
  ], {
    env: { PATH: process.env.PATH ?? "", ...env },
    encoding: "utf8",
    input: "",
    timeout: 120_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
}

/** The environment of both tools: home and runtime folders under `dir`, `registry` insecure. */
export async function podmanTestEnv(
  dir: string,
  registry: string,
): Promise<Record<string, string>> {
  const conf = join(dir, "registries.conf");
  await writeFile(conf, `[[registry]]\nlocation = "${registry}"\ninsecure = true\n`);
  await mkdir(join(dir, "run"), { recursive: true });
  return {
    HOME: dir,
    XDG_RUNTIME_DIR: join(dir, "run"),
    XDG_CONFIG_HOME: join(dir, "config"),
    CONTAINERS_REGISTRIES_CONF: conf,
    NO_COLOR: "1",
  };
}
