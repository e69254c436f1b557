/**
 * Telling a damaged image from a failed operation: listing and filtering skip what is
 * corrupted and rethrow everything else (a lock timeout, an I/O error, a bug).
 *
 * @module
 */
import {
  BlobUnknownError,
  CorruptedError,
  DigestMismatchError,
  InvalidManifestError,
  ManifestUnknownError,
} from "../errors.ts";
import type { ImageRecord } from "../store/types.ts";
import type { RuntimeContext } from "./context.ts";

/**
 * Whether `error`, raised while reading `record`'s data, means the image is corrupted: a
 * missing, mismatching or unparsable blob, or a record the store itself finds damaged.
 */
export async function isCorruption(
  ctx: RuntimeContext,
  record: ImageRecord,
  error: unknown,
): Promise<boolean> {
  if (
    error instanceof CorruptedError || error instanceof BlobUnknownError ||
    error instanceof ManifestUnknownError || error instanceof InvalidManifestError ||
    error instanceof DigestMismatchError
  ) {
    return true;
  }
  return await ctx.store.isCorrupted(record);
}
