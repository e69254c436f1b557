/**
 * Reads a few small files out of a tar stream without extracting anything else.
 *
 * @module
 */
import { TooLargeError } from "../../errors.ts";
import { readTar } from "./tar_reader.ts";

/**
 * The largest metadata file (`manifest.json`, `index.json`, `repositories`, a config)
 * read whole into memory: 16 MiB. A bigger one is refused with a `TooLargeError`.
 */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;

/** Refuses a metadata entry of `size` bytes over {@linkcode MAX_METADATA_BYTES}. */
export function checkMetadataSize(what: string, path: string, size: number): void {
  if (size > MAX_METADATA_BYTES) {
    throw new TooLargeError(
      `${what}/${path}`,
      MAX_METADATA_BYTES,
      `the entry holds ${size} bytes, more than a metadata file may`,
    );
  }
}

/**
 * Streams through the archive and returns the bodies of the regular files whose path
 * `wanted` accepts, by path. Each is capped at {@linkcode MAX_METADATA_BYTES}
 * (`TooLargeError` naming the entry beyond).
 */
export async function readTarFiles(
  stream: ReadableStream<Uint8Array>,
  wanted: (path: string) => boolean,
  options: { what: string; signal?: AbortSignal },
): Promise<Map<string, Uint8Array>> {
  const found = new Map<string, Uint8Array>();
  for await (const entry of readTar(stream, options)) {
    if (entry.kind !== "file" || !wanted(entry.path)) continue;
    checkMetadataSize(options.what, entry.path, entry.size);
    found.set(entry.path, new Uint8Array(await new Response(entry.body).arrayBuffer()));
  }
  return found;
}
