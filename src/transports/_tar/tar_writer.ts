/**
 * Tar writing: entries are streamed into a stream ({@linkcode TarWriter}), or atomically
 * into a temporary sibling of a target file, which is renamed over the target only once
 * the archive is complete ({@linkcode AtomicTarWriter}): a failed or cancelled write leaves
 * no file that looks complete.
 *
 * @module
 */
import { createTarPacker, type TarHeader } from "modern-tar";
import type { FileSystem } from "../../fs/mod.ts";
import { releasePiece } from "../../streams/mod.ts";

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
 * A tar archive written entry by entry into a stream: entries are added one at a time
 * (each awaited before the next), {@linkcode TarWriter.commit} ends the archive and closes
 * the stream, {@linkcode TarWriter.abort} aborts the stream. A failed entry fails the
 * whole archive (and aborts the stream).
 *
 * @example
 * ```ts
 * import { TarWriter } from "./tar_writer.ts";
 * const chunks: Uint8Array[] = [];
 * const tar = new TarWriter(new WritableStream({ write: (chunk) => void chunks.push(chunk) }));
 * await tar.add({ path: "hello.txt", kind: "file", body: new Uint8Array([104, 105]) });
 * await tar.commit();
 * console.log(chunks.reduce((sum, chunk) => sum + chunk.length, 0)); // 2048
 * ```
 */
export class TarWriter {
  /** Names the archive in messages. */
  readonly path: string;
  readonly #controller: ReturnType<typeof createTarPacker>["controller"];
  readonly #piping: Promise<void>;
  readonly #options: WriteTarOptions;
  #done = false;

  /** Starts an archive written into `sink` (named `path` in messages). */
  constructor(sink: WritableStream<Uint8Array>, options: WriteTarOptions = {}, path = "-") {
    const packer = createTarPacker();
    this.path = path;
    this.#controller = packer.controller;
    this.#options = options;
    this.#piping = packer.readable.pipeTo(sink);
    this.#piping.catch(() => {});
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

  /** Ends the archive and closes the stream (once all of it is written). */
  async commit(): Promise<void> {
    this.#checkOpen();
    try {
      this.#options.signal?.throwIfAborted();
      this.#controller.finalize();
      await this.#piping;
      await this.finished();
      this.#done = true;
    } catch (error) {
      await this.abort(error);
      throw error;
    }
  }

  /** What completes a committed archive once its stream is closed (nothing here). */
  protected finished(): Promise<void> {
    return Promise.resolve();
  }

  /** Discards the archive: the stream is aborted; a no-op once finished. */
  async abort(reason?: unknown): Promise<void> {
    if (this.#done) return;
    this.#done = true;
    this.#controller.error(reason ?? new Error(`The archive "${this.path}" was discarded`));
    await this.#piping.catch(() => {});
    await this.discarded();
  }

  /** What cleans up after an aborted archive (nothing here). */
  protected discarded(): Promise<void> {
    return Promise.resolve();
  }

  #checkOpen(): void {
    if (this.#done) throw new TypeError(`The archive "${this.path}" is already finished`);
  }
}

/**
 * A {@linkcode TarWriter} into a temporary sibling of its target:
 * {@linkcode AtomicTarWriter.commit} flushes the finished archive and renames it over the
 * target, {@linkcode AtomicTarWriter.abort} removes it. A failed or cancelled write leaves
 * no file that looks complete.
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
export class AtomicTarWriter extends TarWriter {
  readonly #fs: FileSystem;
  readonly #temporary: string;

  private constructor(
    fs: FileSystem,
    path: string,
    temporary: string,
    sink: WritableStream<Uint8Array>,
    options: WriteTarOptions,
  ) {
    super(sink, options, path);
    this.#fs = fs;
    this.#temporary = temporary;
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
      sink = releasingPieces(await fs.openWrite(temporary, { sync: true }));
    } catch (error) {
      await fs.remove(temporary).catch(() => {});
      throw error;
    }
    return new AtomicTarWriter(fs, path, temporary, sink, options);
  }

  /** Renames the flushed archive over the target. */
  protected override finished(): Promise<void> {
    return this.#fs.rename(this.#temporary, this.path);
  }

  /** Removes the temporary file (the target is left as it was). */
  protected override async discarded(): Promise<void> {
    await this.#fs.remove(this.#temporary).catch(() => {});
  }
}

/**
 * `file` (a file system's sink, which keeps no chunk once its write resolved), releasing
 * every chunk once written (see `releasePiece`): the pieces a decoder handed on, which
 * the archive writer passes through unchanged, are filled again instead of allocated.
 */
function releasingPieces(file: WritableStream<Uint8Array>): WritableStream<Uint8Array> {
  const writer = file.getWriter();
  return new WritableStream<Uint8Array>({
    async write(chunk) {
      await writer.write(chunk);
      releasePiece(chunk);
    },
    close: () => writer.close(),
    abort: (reason) => writer.abort(reason),
  });
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
