/**
 * Reading an image from an OCI archive: the tar is extracted (safely, streaming) into a
 * temporary folder, read as a layout, and removed on close.
 *
 * @module
 */
import type { ImageSource, TransportContext } from "../types.ts";
import { checkMetadataSize, extractTar, openArchiveStream } from "../_tar/mod.ts";
import { tempPath } from "../_temp.ts";
import { openOciLayoutSource } from "../oci/mod.ts";
import type { OciArchiveReference } from "./reference.ts";

/** Which archive entries an OCI layout needs. */
export function isLayoutEntry(path: string): boolean {
  return path === "index.json" || path === "oci-layout" || path.startsWith("blobs/");
}

/**
 * Opens the image `reference.refName` of an OCI archive (matched against the ref name,
 * then the `io.containerd.image.name` annotation buildkit writes).
 */
export async function openOciArchiveSource(
  reference: OciArchiveReference,
  context: TransportContext,
): Promise<ImageSource> {
  const { fs } = context;
  const what = reference.toString();
  const root = tempPath(context.tmpDir, "oci-archive");
  const archive = await extractTar(fs, await openArchiveStream(fs, reference.path), root, {
    what,
    signal: context.signal,
    filter: isLayoutEntry,
  });
  try {
    if (archive.has("index.json")) {
      checkMetadataSize(what, "index.json", archive.size("index.json"));
    }
    return await openOciLayoutSource(reference, fs, root, reference.refName, {
      matchContainerdName: true,
      onClose: () => archive.remove(),
    });
  } catch (error) {
    await archive.remove().catch(() => {});
    throw error;
  }
}
