// Shared helpers for the config tests: an in-memory file system seeded with files.
import { posix } from "node:path";
import { MemoryFileSystem } from "../../src/fs/mod.ts";

/** A MemoryFileSystem holding `files` (path → text), with their directories. */
export async function memoryFs(files: Record<string, string>): Promise<MemoryFileSystem> {
  const fs = new MemoryFileSystem();
  for (const [path, text] of Object.entries(files)) {
    await fs.mkdir(posix.dirname(path), { recursive: true });
    await fs.writeFile(path, text);
  }
  return fs;
}

/** A rootless user context. */
export const USER = { env: {}, homeDir: "/home/ann", uid: 1000 };
/** A root context. */
export const ROOT = { env: {}, homeDir: "/root", uid: 0 };
