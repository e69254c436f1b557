/**
 * The `oci:` transport: OCI image layouts (`oci-layout`, `index.json`,
 * `blobs/<alg>/<hex>`), addressed as `oci:PATH[:REF]`.
 *
 * @example
 * ```ts
 * import { ociTransport } from "./mod.ts";
 * const ref = ociTransport.parse("/tmp/layout:v1");
 * console.log(ref.toString()); // "oci:/tmp/layout:v1"
 * ```
 *
 * @module
 */
export {
  dockerNameOf,
  isValidOciRefName,
  LayoutEntryReference,
  OciReference,
  ociTransport,
  splitPathAndRef,
} from "./reference.ts";
export {
  OciLayoutSource,
  type OciLayoutSourceOptions,
  openOciLayoutSource,
  selectIndexEntry,
} from "./source.ts";
export { OciLayoutDestination } from "./destination.ts";
export { type BlobFiles, listLayoutEntries } from "./payload.ts";
export { describeIndex, listOciLayoutImages, type OciLayoutImage } from "./list.ts";
export {
  addToIndex,
  blobPath,
  emptyIndex,
  indexEntry,
  OCI_LAYOUT_CONTENT,
  OCI_MANIFEST_TYPES,
  splitDigest,
} from "./_layout.ts";
