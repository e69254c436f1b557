/**
 * A streaming tar reader that checks every entry before handing it out: clean relative
 * paths, links that stay inside the archive, no duplicates, bounded header sizes, and a
 * typed {@linkcode InvalidArchiveError} for anything truncated or malformed.
 *
 * @module
 */
import { createTarDecoder, type ParsedTarEntry } from "modern-tar";
import { InvalidArchiveError, type InvalidArchiveReason } from "../../errors.ts";
import { MAX_TAR_PATH_LENGTH, normalizeEntryPath, resolveLinkTarget } from "./safe_path.ts";

/** The total size of the PAX records one entry may carry. */
export const MAX_PAX_BYTES = 64 * 1024;

/** The number of entries one archive may hold. */
export const MAX_TAR_ENTRIES = 200_000;

/** The kind of a tar entry, reduced to what image archives use. */
export type TarEntryKind = "file" | "directory" | "symlink" | "link" | "other";

/** One checked entry of an archive being read. */
export interface TarEntry {
  /** The clean path relative to the archive root (`a/b`, never `..`, never absolute). */
  readonly path: string;
  /** What the entry is. */
  readonly kind: TarEntryKind;
  /** The size of the body in bytes (0 for everything but files). */
  readonly size: number;
  /**
   * For links: the target as a clean path relative to the archive root (a symbolic link's
   * target is resolved against the link's folder).
   */
  readonly linkTarget?: string;
  /** The entry's body; read it or leave it, the reader skips what is left. */
  readonly body: ReadableStream<Uint8Array>;
}

/** Options of {@linkcode readTar}. */
export interface ReadTarOptions {
  /** Names the archive in error messages. */
  what: string;
  /** Stops reading. */
  signal?: AbortSignal;
}

const DECODER_ERRORS: [RegExp, InvalidArchiveReason][] = [
  [/truncated/i, "Truncated"],
  [/exceeds maximum size|too many global/i, "TooLarge"],
  [/checksum|invalid tar|tar number|invalid eof|header/i, "BadHeader"],
];

/** Maps a decoder failure to an {@linkcode InvalidArchiveError}; passes others through. */
function mapDecoderError(error: unknown, what: string): unknown {
  if (!(error instanceof Error) || error.constructor !== Error) return error;
  for (const [pattern, reason] of DECODER_ERRORS) {
    if (pattern.test(error.message)) {
      return new InvalidArchiveError(what, reason, error.message.replace(/\.$/, ""), {
        cause: error,
      });
    }
  }
  return error;
}

function kindOf(type: string | undefined): TarEntryKind {
  switch (type ?? "file") {
    case "file":
      return "file";
    case "directory":
      return "directory";
    case "symlink":
      return "symlink";
    case "link":
      return "link";
    default:
      return "other";
  }
}

function paxBytes(pax: Record<string, string> | undefined): number {
  if (!pax) return 0;
  let total = 0;
  for (const [key, value] of Object.entries(pax)) total += key.length + value.length;
  return total;
}

/**
 * Reads a tar stream entry by entry. Every entry is checked before it is yielded; a
 * violation throws {@linkcode InvalidArchiveError} (`PathEscape`, `LinkEscape`,
 * `Duplicate`, `TooLarge`, `Truncated`, `BadHeader`). Memory stays bounded: bodies are
 * streamed, and metadata records are capped.
 */
export async function* readTar(
  stream: ReadableStream<Uint8Array>,
  options: ReadTarOptions,
): AsyncGenerator<TarEntry> {
  const { what, signal } = options;
  const reader = stream.pipeThrough(createTarDecoder({ strict: true }), { signal }).getReader();
  const seen = new Map<string, TarEntryKind>();
  let count = 0;
  try {
    while (true) {
      let next: ReadableStreamReadResult<ParsedTarEntry>;
      try {
        next = await reader.read();
      } catch (error) {
        throw mapDecoderError(error, what);
      }
      if (next.done) return;
      const { header, body } = next.value;
      if (++count > MAX_TAR_ENTRIES) {
        throw new InvalidArchiveError(what, "TooLarge", `more than ${MAX_TAR_ENTRIES} entries`);
      }
      if (paxBytes(header.pax) > MAX_PAX_BYTES) {
        throw new InvalidArchiveError(
          what,
          "TooLarge",
          `entry "${
            header.name.slice(0, 100)
          }" carries more than ${MAX_PAX_BYTES} bytes of PAX records`,
        );
      }
      const path = normalizeEntryPath(header.name, what);
      const kind = kindOf(header.type);
      let linkTarget: string | undefined;
      if (kind === "symlink" || kind === "link") {
        if ((header.linkname ?? "").length > MAX_TAR_PATH_LENGTH) {
          throw new InvalidArchiveError(what, "TooLarge", `link target of "${path}" is too long`);
        }
        linkTarget = resolveLinkTarget(path, header.linkname ?? "", kind, what);
      }
      if (path === "" && kind !== "directory") {
        throw new InvalidArchiveError(what, "BadHeader", `entry "${header.name}" has no name`);
      }
      const previous = seen.get(path);
      if (previous !== undefined && !(previous === "directory" && kind === "directory")) {
        throw new InvalidArchiveError(what, "Duplicate", `entry "${path}" appears twice`);
      }
      seen.set(path, kind);
      const source = body.getReader();
      const entry: TarEntry = {
        path,
        kind,
        size: kind === "file" ? header.size : 0,
        linkTarget,
        body: entryBody(source, what),
      };
      yield entry;
      // Skip what the consumer left by reading it, never by cancelling: the decoder's
      // cancel hook forgets the body of whichever entry is current, and an entry whose
      // bytes were all queued is no longer current, so cancelling it would orphan the next
      // entry's body and hang every reader of it.
      await drain(source, what);
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * The body handed out for one entry: reads from the decoder's body, re-throws decoder
 * failures as typed errors, and on cancel leaves the rest to {@linkcode drain}.
 */
function entryBody(
  source: ReadableStreamDefaultReader<Uint8Array>,
  what: string,
): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await source.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(mapDecoderError(error, what));
      }
    },
  }, { highWaterMark: 0 });
}

/** Reads and drops the rest of an entry's body. */
async function drain(source: ReadableStreamDefaultReader<Uint8Array>, what: string): Promise<void> {
  try {
    while (!(await source.read()).done) {
      // Dropped: the consumer did not want these bytes.
    }
  } catch (error) {
    throw mapDecoderError(error, what);
  } finally {
    source.releaseLock();
  }
}
