/**
 * The `dir:` transport: skopeo's directory format, addressed as `dir:PATH` (the whole
 * rest is the path, colons included).
 *
 * @example
 * ```ts
 * import { dirTransport, parseDirReference } from "./mod.ts";
 * console.log(dirTransport.parse("/tmp/img").toString()); // "dir:/tmp/img"
 * console.log(parseDirReference("/tmp/img", { forceCompress: true }).forceCompress); // true
 * ```
 *
 * @module
 */
import type { Transport } from "../types.ts";
import { DirReference, type DirReferenceOptions } from "./reference.ts";

/** The `dir` transport. */
export const dirTransport: Transport = {
  name: "dir",
  parse(withinTransport: string): DirReference {
    return new DirReference(dirTransport, withinTransport);
  },
  // A folder is read as a `dir:` image as it is; the load then reads and hashes every blob.
  listFolderImages: (path) =>
    Promise.resolve([{ reference: new DirReference(dirTransport, path), names: [] }]),
};

/** Builds a `dir:` reference with options (e.g. `forceCompress` for `--dest-compress`). */
export function parseDirReference(path: string, options: DirReferenceOptions = {}): DirReference {
  return new DirReference(dirTransport, path, options);
}

export { DirReference, type DirReferenceOptions } from "./reference.ts";
export { DirSource } from "./source.ts";
export { DirDestination, openDirDestination } from "./destination.ts";
export { DIR_VERSION, dirBlobPath, dirManifestPath } from "./_paths.ts";
