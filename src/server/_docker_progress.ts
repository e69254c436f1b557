/**
 * Copy progress as the JSON messages the Docker client renders per layer (`Pulling fs
 * layer`, `Downloading`, `Pull complete`; `Preparing`, `Pushing`, `Pushed`). The image
 * config is not a layer, so dockerd never shows it: it is left out here too.
 *
 * @module
 */
import type { CopyProgressEvent } from "../copy/mod.ts";
import { isConfigType } from "../types/mod.ts";

/** The words of one direction of transfer. */
export interface ProgressVerbs {
  /** When a layer starts (`Pulling fs layer`, `Preparing`). */
  start: string;
  /** While bytes move (`Downloading`, `Pushing`). */
  bytes: string;
  /** When a layer is done, one message each (`Download complete`, `Pull complete`). */
  done: string[];
  /** When the other side has the layer (`Already exists`, `Layer already exists`). */
  skipped: string;
}

/** The words of `docker pull`. */
export const PULL_VERBS: ProgressVerbs = {
  start: "Pulling fs layer",
  bytes: "Downloading",
  done: ["Download complete", "Pull complete"],
  skipped: "Already exists",
};

/** The words of `docker push`. */
export const PUSH_VERBS: ProgressVerbs = {
  start: "Preparing",
  bytes: "Pushing",
  done: ["Pushed"],
  skipped: "Layer already exists",
};

/** The 12 hex digits Docker shows for a digest. */
export function shortId(digest: string): string {
  const colon = digest.indexOf(":");
  return digest.slice(colon + 1, colon + 13);
}

function progressBar(current: number, total: number): string {
  if (total <= 0) return "";
  const width = 50;
  const filled = Math.min(width, Math.floor((current / total) * width));
  const bar = "=".repeat(Math.max(0, filled - 1)) + (filled > 0 ? ">" : "");
  return `[${bar.padEnd(width)}] ${current}B/${total}B`;
}

/**
 * A copy-progress listener that sends Docker progress messages through `send`; byte
 * updates of one layer are sent at most every 100 ms (and always the last).
 */
export function dockerProgress(
  send: (message: unknown) => void,
  verbs: ProgressVerbs,
): (event: CopyProgressEvent) => void {
  const lastSent = new Map<string, number>();
  return (event) => {
    if (event.mediaType !== undefined && isConfigType(event.mediaType)) return;
    const id = shortId(event.digest);
    if (event.kind === "blob-start") {
      send({ status: verbs.start, progressDetail: {}, id });
    } else if (event.kind === "blob-bytes") {
      const now = Date.now();
      if (now - (lastSent.get(id) ?? 0) < 100 && event.bytes !== event.size) return;
      lastSent.set(id, now);
      send({
        status: verbs.bytes,
        progressDetail: { current: event.bytes, total: event.size },
        progress: progressBar(event.bytes, event.size),
        id,
      });
    } else if (event.kind === "blob-done") {
      for (const status of verbs.done) send({ status, progressDetail: {}, id });
    } else if (event.kind === "blob-skipped") {
      send({ status: verbs.skipped, progressDetail: {}, id });
    }
  };
}
