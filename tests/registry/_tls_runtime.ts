// A runtime for the TLS tests: its own store, home (for certs.d) and registries.conf below
// a test directory, and no `fetch` given (the default one is what is tested).
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { openRuntime, type Runtime } from "../../src/runtime/mod.ts";

/** What {@linkcode openTlsRuntime} opened. */
export interface TlsRuntime {
  runtime: Runtime;
  /** The store's root. */
  store: string;
  /** The home directory (certs.d lives in `.config/containers/certs.d` below it). */
  home: string;
}

/** Opens a runtime in `dir/name`, whose registries.conf holds `conf`. */
export async function openTlsRuntime(dir: string, name: string, conf = ""): Promise<TlsRuntime> {
  const base = join(dir, name);
  const home = join(base, "home");
  await mkdir(home, { recursive: true });
  const registriesConf = join(base, "registries.conf");
  await writeFile(registriesConf, conf);
  const store = join(base, "store");
  const runtime = await openRuntime({
    root: store,
    registriesConf,
    registriesConfDir: "",
    env: {},
    homeDir: home,
    uid: 1000,
    hostPlatform: { os: "linux", architecture: "amd64" },
    warn: () => {},
  });
  return { runtime, store, home };
}
