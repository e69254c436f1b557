/**
 * Temporary folders of the path-based transports.
 *
 * @module
 */
import { hostTmpDir, temporaryName } from "../fs/mod.ts";

/** The folder part of `path` (`.` for a bare file name). */
export function parentDir(path: string): string {
  const slash = path.replace(/\/+$/, "").lastIndexOf("/");
  if (slash < 0) return ".";
  return slash === 0 ? "/" : path.slice(0, slash);
}

/** A fresh, not yet created folder path under `base` (the OS temp folder by default). */
export function tempPath(base: string | undefined, label: string): string {
  const root = base ?? hostTmpDir();
  return `${root.replace(/\/+$/, "") || "/"}/${temporaryName(`.stevedore-${label}`)}`;
}
