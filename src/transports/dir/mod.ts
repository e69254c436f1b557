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
export {
  DirReference,
  type DirReferenceOptions,
  dirTransport,
  parseDirReference,
} from "./reference.ts";
export { DirSource } from "./source.ts";
export { DirDestination, openDirDestination } from "./destination.ts";
export { DIR_VERSION, dirBlobPath, dirManifestPath } from "./_paths.ts";
