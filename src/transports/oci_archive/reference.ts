/**
 * `oci-archive:PATH[:REF]` references: a tar file holding an OCI image layout.
 *
 * @module
 */
import type { ImageDestination, ImageSource, TransportContext } from "../types.ts";
import { normalizeName } from "../../reference/mod.ts";
import { LayoutEntryReference } from "../oci/mod.ts";
import { listOciArchiveImages } from "./list.ts";
import { openOciArchiveSource } from "./source.ts";
import { openOciArchiveDestination } from "./destination.ts";

/** An `oci-archive:` reference. */
export class OciArchiveReference extends LayoutEntryReference {
  /**
   * The name of the selected entry inside the archive (containerd's image name, else its
   * ref name), normalized; none when the archive names it not.
   */
  async storageNames(context: TransportContext): Promise<string[]> {
    const entries = await listOciArchiveImages(context.fs, this.path);
    const entry = this.refName === undefined
      ? (entries.length === 1 ? entries[0] : undefined)
      : entries.find((candidate) => candidate.refName === this.refName);
    const name = entry?.containerdName ?? entry?.refName;
    return name ? [normalizeName(name).toString()] : [];
  }

  /** Extracts the archive to a temporary folder and opens the entry. */
  newSource(context: TransportContext): Promise<ImageSource> {
    return openOciArchiveSource(this, context);
  }

  /** Stages a layout; the archive is written atomically on commit. */
  newDestination(context: TransportContext): Promise<ImageDestination> {
    return openOciArchiveDestination(this, context);
  }
}
