/**
 * Safe extraction of a tar stream into a fresh folder. Only regular files and folders are
 * created on disk; links are kept as a table and resolved on lookup, so no entry can make
 * a later write (or read) land outside the folder.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { InvalidArchiveError } from "../../errors.ts";
import { createHasher } from "../../digest/mod.ts";
import { releasePiece } from "../../streams/mod.ts";
import { readTar } from "./tar_reader.ts";
import { checkMetadataSize } from "./read_tar_files.ts";
import { joinPath } from "./safe_path.ts";
import type { ArchiveFiles } from "../types.ts";

/** How many links a lookup follows before giving up. */
const MAX_LINK_HOPS = 40;

/** How many extracted files may be closing (flushing) at once. */
const MAX_CLOSING = 8;

/** Sees the bytes of one extracted file while they are written. */
export interface EntryObserver {
  /** Takes the next chunk (before it is written); a throw stops the extraction. */
  write(chunk: Uint8Array): void;
  /** Called once the file is complete, with its digest when it was hashed. */
  end(digest: string | undefined): void;
  /** Called instead of `end` when the file fails. */
  abort(): void;
}

/** Options of {@linkcode extractTar}. */
export interface ExtractTarOptions {
  /** Names the archive in error messages. */
  what: string;
  /** Stops the extraction. */
  signal?: AbortSignal;
  /** Extracts only the regular files this accepts (links and folders are always kept). */
  filter?: (path: string) => boolean;
  /**
   * Hashes (SHA-256) the files this accepts while they are written, for
   * {@linkcode ExtractedArchive.digestOf}. @default none
   */
  digest?: (path: string) => boolean;
  /**
   * Called with the size of every chunk before it is written, and the entry's path; a
   * throw stops the extraction (a byte budget). @default none
   */
  onBytes?: (bytes: number, path: string) => void;
  /** Returns what sees the bytes of the regular file `path` as they are written. */
  observe?: (path: string) => EntryObserver | undefined;
  /** Flushes every file to stable storage before it counts as extracted. @default false */
  sync?: boolean;
}

/** An archive extracted by {@linkcode extractTar}: files on disk plus a link table. */
export class ExtractedArchive implements ArchiveFiles {
  /** The folder holding the extracted files. */
  readonly root: string;
  readonly #fs: FileSystem;
  readonly #what: string;
  readonly #files: Map<string, number>;
  readonly #links: Map<string, string>;
  readonly #digests: Map<string, string>;

  /** Wraps what {@linkcode extractTar} produced. */
  constructor(
    fs: FileSystem,
    root: string,
    what: string,
    files: Map<string, number>,
    links: Map<string, string>,
    digests: Map<string, string> = new Map(),
  ) {
    this.#fs = fs;
    this.root = root;
    this.#what = what;
    this.#files = files;
    this.#links = links;
    this.#digests = digests;
  }

  /** The `sha256:<hex>` of the file at `path`, if it was hashed while extracted. */
  digestOf(path: string): string | undefined {
    const resolved = this.resolve(path);
    return resolved === undefined ? undefined : this.#digests.get(resolved);
  }

  /** The clean paths of all regular files, in archive order. */
  files(): string[] {
    return [...this.#files.keys()];
  }

  /** Resolves links in `path`; returns the regular file it names, or `undefined`. */
  resolve(path: string): string | undefined {
    let parts = path.split("/").filter((part) => part !== "" && part !== ".");
    for (let hops = 0; hops <= MAX_LINK_HOPS; hops++) {
      let replaced = false;
      for (let i = 1; i <= parts.length; i++) {
        const prefix = parts.slice(0, i).join("/");
        const target = this.#links.get(prefix);
        if (target === undefined) continue;
        parts = [...target.split("/").filter((part) => part !== ""), ...parts.slice(i)];
        replaced = true;
        break;
      }
      if (!replaced) {
        if (parts.includes("..")) return undefined;
        const clean = parts.join("/");
        return this.#files.has(clean) ? clean : undefined;
      }
    }
    return undefined;
  }

  /** Tells whether `path` names a regular file (directly or through links). */
  has(path: string): boolean {
    return this.resolve(path) !== undefined;
  }

  /** The size of the file at `path`; throws `Missing` when there is none. */
  size(path: string): number {
    return this.#files.get(this.#require(path))!;
  }

  /** The on-disk path of the file at `path`; throws `Missing` when there is none. */
  realPath(path: string): string {
    return joinPath(this.root, this.#require(path));
  }

  /**
   * Reads the whole file at `path` (for small metadata files: `TooLargeError` above
   * `MAX_METADATA_BYTES`).
   */
  readFile(path: string): Promise<Uint8Array> {
    checkMetadataSize(this.#what, path, this.size(path));
    return this.#fs.readFile(this.realPath(path));
  }

  /** Streams the file at `path`. */
  open(path: string): Promise<ReadableStream<Uint8Array>> {
    return this.#fs.openRead(this.realPath(path));
  }

  /** Deletes the extracted files. */
  async remove(): Promise<void> {
    await this.#fs.remove(this.root, { recursive: true });
  }

  #require(path: string): string {
    const resolved = this.resolve(path);
    if (resolved === undefined) {
      throw new InvalidArchiveError(this.#what, "Missing", `no file "${path}" in the archive`);
    }
    return resolved;
  }
}

/**
 * Extracts `stream` into `root` (created if needed; it should be a fresh folder). On any
 * failure, `root` is removed again and the error is rethrown.
 */
export async function extractTar(
  fs: FileSystem,
  stream: ReadableStream<Uint8Array>,
  root: string,
  options: ExtractTarOptions,
): Promise<ExtractedArchive> {
  const { what } = options;
  const files = new Map<string, number>();
  const links = new Map<string, string>();
  const digests = new Map<string, string>();
  const dirs = new Set<string>([""]);
  const closing: Promise<void>[] = [];
  await fs.mkdir(root, { recursive: true });
  try {
    for await (const entry of readTar(stream, options)) {
      checkParents(entry.path, files, links, what);
      switch (entry.kind) {
        case "directory":
          if (!dirs.has(entry.path)) {
            await fs.mkdir(joinPath(root, entry.path), { recursive: true });
            dirs.add(entry.path);
          }
          break;
        case "symlink":
        case "link":
          if (dirs.has(entry.path)) {
            throw new InvalidArchiveError(what, "Duplicate", `entry "${entry.path}" appears twice`);
          }
          links.set(entry.path, entry.linkTarget!);
          break;
        case "file": {
          if (dirs.has(entry.path)) {
            throw new InvalidArchiveError(what, "Duplicate", `entry "${entry.path}" appears twice`);
          }
          if (options.filter && !options.filter(entry.path)) break;
          const parent = entry.path.split("/").slice(0, -1).join("/");
          if (!dirs.has(parent)) {
            await fs.mkdir(joinPath(root, parent), { recursive: true });
            let folder = parent;
            while (folder !== "" && !dirs.has(folder)) {
              dirs.add(folder);
              folder = folder.split("/").slice(0, -1).join("/");
            }
          }
          const sink = await fs.openWrite(
            joinPath(root, entry.path),
            options.sync ? { sync: true } : undefined,
          );
          const { digest, closed } = await writeEntry(entry.path, entry.body, sink, options);
          if (digest !== undefined) digests.set(entry.path, digest);
          files.set(entry.path, entry.size);
          // Files are closed (and flushed) while the next entries are read.
          closing.push(closed);
          if (closing.length >= MAX_CLOSING) await closing.shift();
          break;
        }
        default:
          break;
      }
    }
    await Promise.all(closing);
  } catch (error) {
    await Promise.allSettled(closing);
    await fs.remove(root, { recursive: true }).catch(() => {});
    throw error;
  }
  return new ExtractedArchive(fs, root, what, files, links, digests);
}

/**
 * Writes one entry's body, counting and hashing it on the way as `options` ask (a plain
 * read/write loop: no extra stream stages per chunk); resolves once the body is read, with
 * its digest and the promise of the file's close (and flush).
 */
async function writeEntry(
  path: string,
  body: ReadableStream<Uint8Array>,
  sink: WritableStream<Uint8Array>,
  options: ExtractTarOptions,
): Promise<{ digest: string | undefined; closed: Promise<void> }> {
  const { onBytes, signal } = options;
  const hasher = options.digest?.(path) ? createHasher() : undefined;
  const observer = options.observe?.(path);
  if (onBytes === undefined && hasher === undefined && observer === undefined) {
    await body.pipeTo(sink, { signal });
    return { digest: undefined, closed: Promise.resolve() };
  }
  const reader = body.getReader();
  const writer = sink.getWriter();
  try {
    while (true) {
      signal?.throwIfAborted();
      const { done, value } = await reader.read();
      if (done) break;
      onBytes?.(value.length, path);
      hasher?.update(value);
      observer?.write(value);
      await writer.write(value);
      // Hashed, observed and written: nobody holds it any more (only a chunk that came
      // whole from the archive's reader, a file's lent read, is taken back).
      releasePiece(value);
    }
  } catch (error) {
    observer?.abort();
    await writer.abort(error).catch(() => {});
    await reader.cancel(error).catch(() => {});
    throw error;
  }
  const closed = writer.close();
  closed.catch(() => {});
  const digest = hasher?.digest().toString();
  observer?.end(digest);
  return { digest, closed };
}

/** Rejects an entry that sits below a file or a link of the same archive. */
function checkParents(
  path: string,
  files: Map<string, number>,
  links: Map<string, string>,
  what: string,
): void {
  const parts = path.split("/");
  for (let i = 1; i < parts.length; i++) {
    const prefix = parts.slice(0, i).join("/");
    if (links.has(prefix)) {
      throw new InvalidArchiveError(
        what,
        "LinkEscape",
        `entry "${path}" lies below the link "${prefix}"`,
      );
    }
    if (files.has(prefix)) {
      throw new InvalidArchiveError(
        what,
        "Duplicate",
        `entry "${path}" lies below the file "${prefix}"`,
      );
    }
  }
}
