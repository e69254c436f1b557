/**
 * Opens an archive file as a tar stream, transparently inflating a gzip-compressed one
 * (`docker save | gzip`).
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { gunzipIfCompressed } from "../_streams.ts";

/** Streams the tar inside `path`, gunzipping it first if it starts with the gzip magic. */
export async function openArchiveStream(
  fs: FileSystem,
  path: string,
): Promise<ReadableStream<Uint8Array>> {
  return gunzipIfCompressed(await fs.openRead(path), path);
}
