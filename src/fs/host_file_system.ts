/**
 * The host's disk for the runtime in use: {@linkcode DenoFileSystem} on Deno (no Node
 * compatibility layer to build at start-up), {@linkcode NodeFileSystem} elsewhere.
 *
 * @example
 * ```ts
 * import { hostFileSystem } from "./host_file_system.ts";
 * const fs = hostFileSystem();
 * console.log((await fs.stat("/")).isDirectory); // true
 * ```
 *
 * @module
 */
import { denoFileApi, DenoFileSystem } from "./deno_fs.ts";
import type { FileSystem } from "./file_system.ts";
import { NodeFileSystem } from "./node_fs.ts";

/** A file system over the host's disk, the fastest to start on this runtime. */
export function hostFileSystem(): FileSystem {
  return denoFileApi() === undefined ? new NodeFileSystem() : new DenoFileSystem();
}
