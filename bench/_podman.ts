/**
 * Running the second peer, `podman pull`, for the benchmarks: into a fresh store under a
 * temporary folder (`--root`/`--runroot`, the `vfs` driver, file events, cgroupfs), with a
 * registries.conf that marks the benchmark registry insecure.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type ProcessRun, timeProcess } from "./_process.ts";

/** Where podman is expected. */
export const PODMAN = "/usr/bin/podman";

/** Whether podman is installed (and not skipped with `BENCH_SKIP_PODMAN=1`). */
export function hasPodman(env: Record<string, string | undefined>): boolean {
  return env.BENCH_SKIP_PODMAN !== "1" && existsSync(PODMAN);
}

/** Writes a registries.conf into `dir` that marks `registry` insecure; returns its path. */
export async function insecureRegistriesConf(dir: string, registry: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, "registries.conf");
  await writeFile(path, `[[registry]]\nlocation = "${registry}"\ninsecure = true\n`);
  return path;
}

/**
 * A podman command line over a fresh `vfs` store at `root` (`--root`/`--runroot` under it,
 * file events, cgroupfs), with `storage.conf` written there (podman wants a run root of at
 * most 50 characters: keep `root` short). Returns the argv and the environment.
 */
export async function podmanCommand(
  root: string,
  args: string[],
): Promise<{ argv: string[]; env: Record<string, string> }> {
  await mkdir(root, { recursive: true });
  const storageConf = join(root, "storage.conf");
  await writeFile(
    storageConf,
    `[storage]\ndriver = "vfs"\nrunroot = "${root}/run"\ngraphroot = "${root}/root"\n`,
  );
  const flags = ["--root", `${root}/root`, "--runroot", `${root}/run`, "--storage-driver", "vfs"];
  flags.push("--events-backend", "file", "--cgroup-manager", "cgroupfs");
  return { argv: [PODMAN, ...flags, ...args], env: { CONTAINERS_STORAGE_CONF: storageConf } };
}

/**
 * `podman pull -q IMAGE` into a fresh store in a new temporary folder (removed afterwards),
 * timed as a whole process.
 */
export async function podmanPull(image: string, registriesConf: string): Promise<ProcessRun> {
  const root = await mkdtemp(join(tmpdir(), "pd-"));
  try {
    const { argv, env } = await podmanCommand(root, ["pull", "-q", image]);
    return await timeProcess(argv, { env: { ...env, CONTAINERS_REGISTRIES_CONF: registriesConf } });
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
