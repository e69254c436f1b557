/**
 * Atomic tar writing: entries are streamed into a temporary sibling of the target, which
 * is renamed over the target only once the archive is complete. A failed or cancelled
 * write leaves no file that looks complete.
 *
 * @module
 */
import { createTarPacker, type TarHeader } from "modern-tar";
import type { FileSystem } from "../../fs/mod.ts";
import { joinPath } from "./safe_path.ts";

/** One entry to write into an archive. */
export interface TarWriteEntry {
  /** The path inside the archive, relative, `/`-separated, without a trailing `/`. */
  path: string;
  /** What the entry is. */
  kind: "file" | "directory" | "symlink";
  /** The body of a file: bytes, or a function opening a stream of exactly `size` bytes. */
  body?: Uint8Array | (() => Promise<ReadableStream<Uint8Array>>);
  /** The body size of a file (required with a stream body). */
  size?: number;
  /** The target of a symbolic link, as stored. */
  linkTarget?: string;
  /** Permission bits. @default 0o644 for files and links, 0o755 for folders */
  mode?: number;
}

/** Options of {@linkcode writeTarAtomic}. */
export interface WriteTarOptions {
  /** Stops the write; the target is left untouched. */
  signal?: AbortSignal;
  /** The modification time stored in every header. @default the Unix epoch */
  mtime?: Date;
}

/**
 * A tar archive written entry by entry into a temporary sibling of its target: entries
 * are added one at a time (each awaited before the next), {@linkcode AtomicTarWriter.commit}
 * renames the finished archive over the target, {@linkcode AtomicTarWriter.abort} removes
 * it. A failed entry fails the whole archive.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../../fs/mod.ts";
 * import { AtomicTarWriter } from "./tar_writer.ts";
 * const fs = new MemoryFileSystem();
 * const tar = await AtomicTarWriter.open(fs, "/a.tar");
 * await tar.add({ path: "hello.txt", kind: "file", body: new Uint8Array([104, 105]) });
 * await tar.commit();
 * console.log(await fs.readDir("/")); // ["a.tar"]
 * ```
 */
export class AtomicTarWriter {
  /** The archive written on commit. */
  readonly path: string;
  readonly #fs: FileSystem;
  readonly #temporary: string;
  readonly #controller: ReturnType<typeof createTarPacker>["controller"];
  readonly #piping: Promise<void>;
  readonly #options: WriteTarOptions;
  #done = false;

  private constructor(
    fs: FileSystem,
    path: string,
    temporary: string,
    packer: ReturnType<typeof createTarPacker>,
    sink: WritableStream<Uint8Array>,
    options: WriteTarOptions,
  ) {
    this.#fs = fs;
    this.path = path;
    this.#temporary = temporary;
    this.#controller = packer.controller;
    this.#options = options;
    this.#piping = packer.readable.pipeTo(sink);
    this.#piping.catch(() => {});
  }

  /** Starts an archive that {@linkcode AtomicTarWriter.commit} will place at `path`. */
  static async open(
    fs: FileSystem,
    path: string,
    options: WriteTarOptions = {},
  ): Promise<AtomicTarWriter> {
    const temporary = `${path}.tmp-${crypto.randomUUID()}`;
    let sink: WritableStream<Uint8Array>;
    try {
      sink = await fs.openWrite(temporary, { sync: true });
    } catch (error) {
      await fs.remove(temporary).catch(() => {});
      throw error;
    }
    return new AtomicTarWriter(fs, path, temporary, createTarPacker(), sink, options);
  }

  /**
   * Appends one entry (a stream body is read to its end, stopped by `signal` when given,
   * else by the archive's); a failure aborts the archive.
   */
  async add(entry: TarWriteEntry, signal?: AbortSignal): Promise<void> {
    this.#checkOpen();
    const options = signal === undefined ? this.#options : { ...this.#options, signal };
    try {
      options.signal?.throwIfAborted();
      await addEntry(this.#controller, entry, options);
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }

  /** Ends the archive, flushes it and renames it over the target. */
  async commit(): Promise<void> {
    this.#checkOpen();
    try {
      this.#options.signal?.throwIfAborted();
      this.#controller.finalize();
      await this.#piping;
      await this.#fs.rename(this.#temporary, this.path);
      this.#done = true;
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }

  /** Discards the archive (the target is left as it was); a no-op once finished. */
  async abort(reason?: unknown): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#controller.error(reason ?? new Error(`The archive "${this.path}" was discarded`));
    await this.#piping.catch(() => {});
    await this.#fs.remove(this.#temporary).catch(() => {});
  }

  #checkOpen(): void {
    if (this.#done) throw new TypeError(`The archive "${this.path}" is already finished`);
  }
}

/**
 * Writes the entries as a tar archive at `path`, atomically: a temporary sibling file is
 * written, flushed and renamed over `path`; on failure it is removed and `path` is left
 * as it was.
 */
export async function writeTarAtomic(
  fs: FileSystem,
  path: string,
  entries: AsyncIterable<TarWriteEntry> | Iterable<TarWriteEntry>,
  options: WriteTarOptions = {},
): Promise<void> {
  const tar = await AtomicTarWriter.open(fs, path, options);
  try {
    for await (const entry of entries) await tar.add(entry);
  } catch (error) {
    await tar.abort(error);
    throw error;
  }
  await tar.commit();
}

async function addEntry(
  controller: ReturnType<typeof createTarPacker>["controller"],
  entry: TarWriteEntry,
  options: WriteTarOptions,
): Promise<void> {
  const mtime = options.mtime ?? new Date(0);
  const header: TarHeader = {
    name: entry.kind === "directory" ? `${entry.path}/` : entry.path,
    size: 0,
    mtime,
    type: entry.kind,
    uid: 0,
    gid: 0,
  };
  if (entry.kind === "directory") {
    header.mode = entry.mode ?? 0o755;
    await controller.add(header).close();
    return;
  }
  if (entry.kind === "symlink") {
    header.mode = entry.mode ?? 0o777;
    header.linkname = entry.linkTarget;
    await controller.add(header).close();
    return;
  }
  header.mode = entry.mode ?? 0o644;
  const body = entry.body;
  if (body === undefined || body instanceof Uint8Array) {
    const bytes = body ?? new Uint8Array(0);
    header.size = bytes.length;
    const sink = controller.add(header);
    const writer = sink.getWriter();
    if (bytes.length > 0) await writer.write(bytes);
    await writer.close();
    return;
  }
  if (entry.size === undefined || entry.size < 0) {
    throw new RangeError(`The size of the tar entry "${entry.path}" must be known`);
  }
  header.size = entry.size;
  const stream = await body();
  await stream.pipeTo(controller.add(header), { signal: options.signal });
}

/**
 * Lists a folder tree as tar entries (folders first, then their content, names sorted),
 * streaming file bodies from `fs`.
 */
export async function* directoryEntries(
  fs: FileSystem,
  root: string,
  prefix = "",
): AsyncGenerator<TarWriteEntry> {
  const names = (await fs.readDir(joinPath(root, prefix))).sort();
  for (const name of names) {
    const relative = prefix === "" ? name : `${prefix}/${name}`;
    const full = joinPath(root, relative);
    const info = await fs.stat(full);
    if (info.isDirectory) {
      yield { path: relative, kind: "directory" };
      yield* directoryEntries(fs, root, relative);
    } else if (info.isFile) {
      yield { path: relative, kind: "file", size: info.size, body: () => fs.openRead(full) };
    }
  }
}
