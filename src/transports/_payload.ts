/**
 * What the archive formats share when a load lists an extracted payload.
 *
 * @module
 */
import { InvalidArchiveError } from "../errors.ts";
import type { ExtractedPayload } from "./types.ts";

/**
 * Refuses a payload that holds none of the files `marks` that mark the archive format
 * `format` (an `InvalidArchiveError`, `Missing`, naming `format:path`).
 */
export function requireMarks(payload: ExtractedPayload, format: string, marks: string[]): void {
  if (!marks.some((mark) => payload.files.has(mark))) {
    throw new InvalidArchiveError(
      `${format}:${payload.path}`,
      "Missing",
      `no ${marks.join(" or ")}`,
    );
  }
}
