/**
 * `oci-archive:PATH[:REF]` references: a tar file holding an OCI image layout.
 *
 * @module
 */
import type { ImageDestination, ImageSource, TransportContext } from "../types.ts";
import { LayoutEntryReference } from "../oci/mod.ts";
import { openOciArchiveSource } from "./source.ts";
import { openOciArchiveDestination } from "./destination.ts";

/** An `oci-archive:` reference. */
export class OciArchiveReference extends LayoutEntryReference {
  /** Extracts the archive to a temporary folder and opens the entry. */
  newSource(context: TransportContext): Promise<ImageSource> {
    return openOciArchiveSource(this, context);
  }

  /** Stages a layout; the archive is written atomically on commit. */
  newDestination(context: TransportContext): Promise<ImageDestination> {
    return openOciArchiveDestination(this, context);
  }
}
