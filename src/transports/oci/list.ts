/**
 * Listing the images of an OCI image layout with their names, for callers that load
 * every image of a layout or archive.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { Annotation, type ImageIndex } from "../../types/mod.ts";
import { requireIndex } from "./_layout.ts";

/** One entry of an OCI layout's `index.json`. */
export interface OciLayoutImage {
  /** The position in `index.json`. */
  index: number;
  /** The manifest (or index) digest. */
  digest: string;
  /** The manifest's media type. */
  mediaType: string;
  /** `org.opencontainers.image.ref.name`, if set. */
  refName: string | undefined;
  /** `io.containerd.image.name` (buildkit), if set. */
  containerdName: string | undefined;
  /** All annotations of the entry. */
  annotations: Record<string, string>;
}

/** Describes the entries of an index. */
export function describeIndex(index: ImageIndex): OciLayoutImage[] {
  return index.manifests.map((entry, position) => ({
    index: position,
    digest: entry.digest,
    mediaType: entry.mediaType,
    refName: entry.annotations?.[Annotation.RefName] || undefined,
    containerdName: entry.annotations?.[Annotation.ContainerdImageName] || undefined,
    annotations: { ...entry.annotations },
  }));
}

/** Lists the images of the OCI layout at `dir`. */
export async function listOciLayoutImages(fs: FileSystem, dir: string): Promise<OciLayoutImage[]> {
  return describeIndex(await requireIndex(fs, dir, `oci:${dir}`));
}
