/**
 * The part the archive writers (`docker-archive:`, `oci-archive:`) share: blobs appended
 * to one tar as they arrive, each checked against its digest on the way, into a file
 * (written atomically) or straight into a stream. A blob whose size is known is streamed
 * into the archive as it is read; one of unknown size is staged in a temporary file first,
 * to learn the size its tar header needs.
 *
 * @module
 */
import type { FileSystem } from "../../fs/mod.ts";
import { digestVerifier } from "../../digest/mod.ts";
import type { BlobInfo } from "../types.ts";
import { parentDir, tempPath } from "../_temp.ts";
import { AtomicTarWriter, type TarWriteEntry, TarWriter } from "./tar_writer.ts";

/**
 * Where an archive is written: a file path (a temporary sibling renamed into place once
 * the archive is complete) or a stream (written as the archive grows, aborted on failure).
 */
export type TarTarget = string | WritableStream<Uint8Array>;

/** Options of {@linkcode BlobTarWriter}. */
export interface BlobTarWriterOptions {
  /** Names the staging folder (`.stevedore-<label>-...`). */
  label: string;
  /**
   * Where blobs of unknown size are staged. @default the archive's folder, or the OS
   * temporary folder for a stream
   */
  tmpDir?: string;
  /** Stops the writes. */
  signal?: AbortSignal;
  /** The modification time of every entry. @default the Unix epoch */
  mtime?: Date;
  /** The permission bits of blob entries. @default 0o444 */
  mode?: number;
}

/**
 * `stream` checked against the blob's digest and size (it errors before its end on a
 * mismatch), or as it is when `verified` says it checks itself.
 */
export function checkedBlob(
  blob: BlobInfo,
  stream: ReadableStream<Uint8Array>,
  verified: boolean,
): ReadableStream<Uint8Array> {
  if (verified) return stream;
  const size = blob.size >= 0 ? blob.size : undefined;
  return stream.pipeThrough(digestVerifier(blob.digest, { size, what: blob.digest }));
}

/** A body: bytes, or a function opening a stream of exactly the entry's size. */
type Body = Uint8Array | (() => Promise<ReadableStream<Uint8Array>>);

/**
 * Entries appended to one tar, one after another in the order they are given (a blob
 * whose size is unknown takes its place once staged). A blob that fails half-written
 * fails the archive: every later write and the commit fail too. `commit()` ends the
 * archive; `close()` discards an unfinished one and what was staged.
 */
export class BlobTarWriter {
  /** The archive file, or `-` for a stream. */
  readonly path: string;
  readonly #fs: FileSystem;
  readonly #target: TarTarget;
  readonly #staging: string;
  readonly #signal: AbortSignal | undefined;
  readonly #mtime: Date | undefined;
  readonly #mode: number;
  /** The size of every entry written, by path. */
  readonly #sizes = new Map<string, number>();
  #tar: Promise<TarWriter> | undefined;
  /** Appends, one after another. */
  #queue: Promise<void> = Promise.resolve();
  #failure: { error: unknown } | undefined;
  #closed = false;

  /** Prepares a writer into `target`. */
  constructor(fs: FileSystem, target: TarTarget, options: BlobTarWriterOptions) {
    this.#fs = fs;
    this.#target = target;
    this.path = typeof target === "string" ? target : "-";
    const staging = options.tmpDir ?? (typeof target === "string" ? parentDir(target) : undefined);
    this.#staging = tempPath(staging, options.label);
    this.#signal = options.signal;
    this.#mtime = options.mtime;
    this.#mode = options.mode ?? 0o444;
  }

  /** The size of the entry `path` once written, else `undefined`. */
  sizeOf(path: string): number | undefined {
    return this.#sizes.get(path);
  }

  /**
   * Adds `stream` as the file entry `path`: checked against the blob's digest and size
   * (unless `verified` says the stream checks itself: it errors before its end on a
   * mismatch). A path written already is not written twice.
   */
  async putBlob(
    path: string,
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined = this.#signal,
    verified = false,
  ): Promise<void> {
    this.checkOpen();
    const checked = checkedBlob(blob, stream, verified);
    if (blob.size < 0) return await this.#stage(path, checked, signal);
    await this.#append(path, blob.size, () => Promise.resolve(checked), signal).catch(
      async (error) => {
        await checked.cancel(error).catch(() => {});
        throw error;
      },
    );
  }

  /** Adds an entry: a file of `bytes` (checked by the caller), a folder or a link. */
  add(entry: TarWriteEntry, signal: AbortSignal | undefined = this.#signal): Promise<void> {
    this.checkOpen();
    return this.#append(entry.path, entry.size ?? 0, entry, signal);
  }

  /** Writes a blob of unknown size into a temporary file, then into the archive. */
  async #stage(
    path: string,
    stream: ReadableStream<Uint8Array>,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    await this.#fs.mkdir(this.#staging, { recursive: true });
    const temporary = `${this.#staging}/${crypto.randomUUID()}.tmp`;
    try {
      // The bytes are hashed once (above or by the stream itself); only count them here.
      let size = 0;
      const count = new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          size += chunk.length;
          controller.enqueue(chunk);
        },
      });
      await stream.pipeThrough(count).pipeTo(await this.#fs.openWrite(temporary), { signal });
      await this.#append(path, size, () => this.#fs.openRead(temporary), signal);
    } finally {
      await this.#fs.remove(temporary).catch(() => {});
    }
  }

  /** Appends an entry once the ones before it are written (once per path). */
  #append(
    path: string,
    size: number,
    body: Body | TarWriteEntry,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const write = this.#queue.then(async () => {
      if (this.#failure !== undefined) {
        throw new TypeError(`Cannot add "${path}" to "${this.path}": an earlier write failed`, {
          cause: this.#failure.error,
        });
      }
      this.checkOpen();
      if (this.#sizes.has(path)) {
        if (typeof body === "function") await (await body()).cancel();
        return;
      }
      const entry: TarWriteEntry = typeof body === "function" || body instanceof Uint8Array
        ? { path, kind: "file", size, mode: this.#mode, body }
        : body;
      try {
        await (await this.#open()).add(entry, signal);
      } catch (error) {
        this.#failure ??= { error };
        throw error;
      }
      this.#sizes.set(path, size);
    });
    this.#queue = write.catch(() => {});
    return write;
  }

  #open(): Promise<TarWriter> {
    const options = { signal: this.#signal, mtime: this.#mtime };
    const target = this.#target;
    this.#tar ??= typeof target === "string"
      ? AtomicTarWriter.open(this.#fs, target, options)
      : Promise.resolve(new TarWriter(target, options));
    return this.#tar;
  }

  /**
   * Appends `entries` (once everything before them is written), ends the archive (a file
   * is flushed and renamed into place) and removes what was staged.
   */
  async commit(entries: readonly TarWriteEntry[] = []): Promise<void> {
    this.checkOpen();
    await this.#queue;
    if (this.#failure !== undefined) throw this.#failure.error;
    const tar = await this.#open();
    for (const entry of entries) await tar.add(entry);
    await tar.commit();
    await this.close();
  }

  /**
   * Removes what was staged; without a prior commit, the archive is discarded (a file
   * target is left as it was, a stream is aborted).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#tar !== undefined) {
      await (await this.#tar.catch(() => undefined))?.abort();
    } else if (typeof this.#target !== "string" && !this.#target.locked) {
      await this.#target.abort(new Error(`The archive "${this.path}" was discarded`))
        .catch(() => {});
    }
    await this.#fs.remove(this.#staging, { recursive: true }).catch(() => {});
  }

  /** Throws a `TypeError` once the writer is closed. */
  checkOpen(): void {
    if (this.#closed) throw new TypeError(`The archive writer for "${this.path}" is closed`);
  }
}
