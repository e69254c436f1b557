/**
 * The `oci-archive:` transport: a tar of an OCI image layout, addressed as
 * `oci-archive:PATH[:REF]`. Reading extracts to a temporary folder; writing stages a
 * layout and tars it into place atomically.
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
import type { Transport } from "../types.ts";
import { splitPathAndRef } from "../oci/mod.ts";
import { listArchiveImages } from "./payload.ts";
import { OciArchiveReference } from "./reference.ts";

/** The `oci-archive` transport. */
export const ociArchiveTransport: Transport = {
  name: "oci-archive",
  parse(withinTransport: string): OciArchiveReference {
    const { path, refName } = splitPathAndRef("oci-archive", withinTransport);
    return new OciArchiveReference(ociArchiveTransport, path, refName);
  },
  listArchiveImages,
};

export { OciArchiveReference } from "./reference.ts";
export { openOciArchiveSource } from "./source.ts";
export { OciArchiveDestination, openOciArchiveDestination } from "./destination.ts";
export { listOciArchiveImages } from "./list.ts";
