// A runtime over a temporary store for the unpack tests, collecting its warnings.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Runtime } from "../../src/runtime/mod.ts";

/**
 * A runtime whose store, configuration (`registries.conf` holding `registriesConf`) and
 * temporary files live in a new folder `dir`.
 */
export async function openUnpackRuntime(prefix = "stevedore-unpack-", registriesConf = "") {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const conf = join(dir, "registries.conf");
  await writeFile(conf, registriesConf);
  const warnings: string[] = [];
  const runtime = await Runtime.open({
    root: join(dir, "store"),
    registriesConf: conf,
    registriesConfDir: "",
    env: {},
    homeDir: dir,
    uid: 1000,
    hostPlatform: { os: "linux", architecture: "amd64" },
    tmpDir: dir,
    warn: (message) => warnings.push(message),
  });
  return { dir, conf, runtime, warnings };
}
