/**
 * The `oci-archive:` transport: a tar of an OCI image layout, addressed as
 * `oci-archive:PATH[:REF]`. Reading extracts to a temporary folder; writing streams the
 * layout's entries into the tar as they arrive, renamed into place on commit.
 *
 * @example
 * ```ts
 * import { ociArchiveTransport } from "./mod.ts";
 * const ref = ociArchiveTransport.parse("/tmp/app.tar:v1");
 * console.log(ref.toString()); // "oci-archive:/tmp/app.tar:v1"
 * ```
 *
 * @module
 */
export {
  ociArchiveOutputReference,
  OciArchiveReference,
  ociArchiveTransport,
} from "./reference.ts";
export { openOciArchiveSource } from "./source.ts";
export { OciArchiveDestination, openOciArchiveDestination } from "./destination.ts";
export { listOciArchiveImages } from "./list.ts";
