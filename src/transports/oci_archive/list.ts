/**
 * Listing the images of an OCI archive without extracting its blobs.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { InvalidArchiveError } from "../../errors.ts";
import type { ImageIndex } from "../../types/mod.ts";
import { openArchiveStream, readTarFiles } from "../_tar/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import { describeIndex, type OciLayoutImage } from "../oci/mod.ts";

/** Lists the images (index entries, with names) of the OCI archive at `path`. */
export async function listOciArchiveImages(
  fs: FileSystem,
  path: string,
  options: { signal?: AbortSignal } = {},
): Promise<OciLayoutImage[]> {
  const what = `oci-archive:${path}`;
  const files = await readTarFiles(
    await openArchiveStream(fs, path),
    (name) => name === "index.json",
    { what, signal: options.signal },
  );
  const bytes = files.get("index.json");
  if (bytes === undefined) {
    throw new InvalidArchiveError(what, "Missing", "no index.json: not an OCI archive");
  }
  const doc = parseJsonObject(bytes, `${what}/index.json`);
  if (!Array.isArray(doc.manifests)) {
    throw new InvalidArchiveError(what, "Format", "index.json has no manifests array");
  }
  return describeIndex(doc as unknown as ImageIndex);
}
