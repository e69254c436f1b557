/**
 * Reading an image from an OCI archive: the tar is extracted (safely, streaming) into a
 * temporary folder, every file hashed and flushed on the way, read as a layout, and
 * removed on close. The extracted blobs are handed over as files (`blobFile`): a pull
 * into the store takes them by a rename instead of copying their bytes again.
 *
 * @module
 */
import type { ImageSource, TransportContext } from "../types.ts";
import { checkMetadataSize } from "../_tar/mod.ts";
import { extractArchive } from "../extract_archive.ts";
import { openOciLayoutSource, splitDigest } from "../oci/mod.ts";
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
  const archive = await extractArchive(fs, await fs.openRead(reference.path), {
    what,
    tmpDir: context.tmpDir,
    label: "oci-archive",
    signal: context.signal,
    filter: isLayoutEntry,
  });
  const { files } = archive;
  try {
    if (files.has("index.json")) {
      checkMetadataSize(what, "index.json", files.size("index.json"));
    }
    return await openOciLayoutSource(reference, fs, files.root, reference.refName, {
      matchContainerdName: true,
      onClose: archive.remove,
      blobFile: (blob) => {
        const { algorithm, hex } = splitDigest(blob.digest);
        const path = `blobs/${algorithm}/${hex}`;
        // Only a file hashed to the digest it is asked for.
        const hashed = files.has(path) && files.digestOf(path) === blob.digest;
        return Promise.resolve(hashed ? archive.blobFile(path) : undefined);
      },
    });
  } catch (error) {
    await archive.remove().catch(() => {});
    throw error;
  }
}
