/**
 * Reads a few small files out of a tar stream without extracting anything else.
 *
 * @module
 */
import { InvalidArchiveError } from "../../errors.ts";
import { readTar } from "./tar_reader.ts";

/** The largest metadata file read into memory. */
const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/**
 * Streams through the archive and returns the bodies of the regular files whose path
 * `wanted` accepts, by path. Each is capped at 16 MiB (`TooLarge` beyond).
 */
export async function readTarFiles(
  stream: ReadableStream<Uint8Array>,
  wanted: (path: string) => boolean,
  options: { what: string; signal?: AbortSignal },
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  for await (const entry of readTar(stream, options)) {
    if (entry.kind !== "file" || !wanted(entry.path)) continue;
    if (entry.size > MAX_METADATA_BYTES) {
      throw new InvalidArchiveError(
        options.what,
        "TooLarge",
        `"${entry.path}" is ${entry.size} bytes, more than ${MAX_METADATA_BYTES}`,
      );
    }
    found.set(entry.path, new Uint8Array(await new Response(entry.body).arrayBuffer()));
  }
  return found;
}
