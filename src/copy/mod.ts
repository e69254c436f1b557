/**
 * The copy engine: {@linkcode copyImage} moves an image, or a whole manifest list, from
 * any transport to any other, skipping blobs the destination has, verifying every blob,
 * changing layer compression where needed and rewriting or converting the manifest only
 * when something changed.
 *
 * @example
 * ```ts ignore
 * import { copyImage } from "./mod.ts";
 * import { NodeFileSystem } from "../fs/mod.ts";
 * const result = await copyImage("docker://alpine:3", "oci:/tmp/alpine:3", {
 *   context: { fs: new NodeFileSystem() },
 *   onProgress: (event) => console.log(event.kind, event.digest, event.bytes),
 * });
 * console.log(result.manifestDigest);
 * ```
 *
 * @module
 */
export { copyImage } from "./copy_image.ts";
export type {
  CopiedInstance,
  CopyCompressionFormat,
  CopyOptions,
  CopyProgressEvent,
  CopyResult,
  SourcePolicy,
} from "./copy_options.ts";
