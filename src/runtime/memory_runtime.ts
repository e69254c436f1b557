/**
 * A {@linkcode Runtime} whose store, temporary files and configuration live in memory, and
 * that asks nothing of the host: no file system, no process ID or host name, no
 * environment. It runs where only `fetch` exists (an edge runtime such as workerd, or
 * Deno with `--allow-net` alone).
 *
 * @module
 */
import { MemoryFileSystem } from "../fs/memory_fs.ts";
import { CredentialHelperError } from "../errors.ts";
import type { Platform } from "../types/mod.ts";
import { openRuntime, type Runtime, type RuntimeOptions, type RuntimeSeams } from "./runtime.ts";

/** Options of {@linkcode openMemoryRuntime}. */
export interface MemoryRuntimeOptions
  extends
    Omit<RuntimeOptions & RuntimeSeams, "fs" | "root" | "store" | "tmpDir" | "homeDir" | "uid"> {
  /**
   * The in-memory file system to hold the store (at `/stevedore/storage`), temporary
   * files and any configuration written beforehand (`/etc/containers/registries.conf`,
   * `/root/.config/containers/auth.json`). @default a new, empty one
   */
  fs?: MemoryFileSystem;
}

/** Where {@linkcode openMemoryRuntime} keeps the store on its file system. */
export const MEMORY_STORE_ROOT = "/stevedore/storage";

/** The platform an in-memory runtime works for unless told: Linux on amd64. */
const EDGE_PLATFORM: Platform = { os: "linux", architecture: "amd64" };

/**
 * Opens a runtime that keeps everything in memory. Its default platform is `linux/amd64`
 * (an edge runtime has no machine to ask); credential helpers cannot run.
 *
 * @example
 * ```ts ignore
 * import { openMemoryRuntime } from "./memory_runtime.ts";
 * const runtime = await openMemoryRuntime();
 * const [image] = await runtime.pull("docker.io/library/alpine:3");
 * ```
 */
export function openMemoryRuntime(options: MemoryRuntimeOptions = {}): Promise<Runtime> {
  const { fs = new MemoryFileSystem(), ...rest } = options;
  return openRuntime({
    env: {},
    hostPlatform: EDGE_PLATFORM,
    credentialHelperRunner: (name, action) =>
      Promise.reject(
        new CredentialHelperError(name, action, "", undefined, {
          cause: new TypeError("An in-memory runtime cannot run credential helpers"),
        }),
      ),
    ...rest,
    fs,
    root: MEMORY_STORE_ROOT,
    homeDir: "/root",
    uid: 0,
  });
}
