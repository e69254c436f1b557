// A runtime in memory for tests: a fixed home, user and platform, and no warnings printed.
import { type FileSystem, MemoryFileSystem } from "../../src/fs/mod.ts";
import { openRuntime, type Runtime } from "../../src/runtime/mod.ts";

/** Opens a runtime whose store (at `root`, a fresh folder by default) lives on `fs`. */
export function openMemoryTestRuntime(
  fs: FileSystem = new MemoryFileSystem(),
  root = `/stevedore-${crypto.randomUUID()}`,
): Promise<Runtime> {
  return openRuntime({
    root,
    fs,
    env: {},
    homeDir: "/home/user",
    uid: 1000,
    hostPlatform: { os: "linux", architecture: "amd64" },
    warn: () => {},
  });
}
