/**
 * The file-system seam: the {@linkcode FileSystem} interface, a disk implementation over
 * `node:fs/promises` (and one reading through Deno's own API, which starts faster on Deno),
 * an in-memory one, and the process facts (pid, liveness, host name) the store lock needs.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "./mod.ts";
 * const fs = new MemoryFileSystem();
 * await fs.writeFile("/hello.txt", "hi");
 * console.log(await fs.readTextFile("/hello.txt")); // "hi"
 * ```
 *
 * @module
 */
export type { FileInfo, FileSystem, WriteFileOptions } from "./file_system.ts";
export { exists, isNotFound, writeFileAtomic } from "./file_system.ts";
export { NodeFileSystem } from "./node_fs.ts";
export { DenoFileSystem } from "./deno_fs.ts";
export { hostFileSystem } from "./host_file_system.ts";
export { MemoryFileSystem } from "./memory_fs.ts";
export {
  currentPid,
  currentUid,
  hostHomeDir,
  hostName,
  hostTmpDir,
  isProcessAlive,
  processEnv,
  processStartTime,
} from "./process.ts";
export {
  isOwnerGone,
  ownerTag,
  temporaryName,
  type TemporaryOwner,
  temporaryOwner,
} from "./temporary_name.ts";
export { posix } from "./posix_path.ts";
export { NodeRootfsWriter, type RootfsEntryInfo, type RootfsWriter } from "./rootfs_writer.ts";
