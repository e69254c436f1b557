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
  const temporary = `${path}.tmp-${crypto.randomUUID()}`;
  const { readable, controller } = createTarPacker();
  let sink: WritableStream<Uint8Array>;
  try {
    sink = await fs.openWrite(temporary, { sync: true });
  } catch (error) {
    await fs.remove(temporary).catch(() => {});
    throw error;
  }
  const piping = readable.pipeTo(sink);
  piping.catch(() => {});
  try {
    for await (const entry of entries) {
      options.signal?.throwIfAborted();
      await addEntry(controller, entry, options);
    }
    options.signal?.throwIfAborted();
    controller.finalize();
    await piping;
    await fs.rename(temporary, path);
  } catch (error) {
    controller.error(error);
    await piping.catch(() => {});
    await fs.remove(temporary).catch(() => {});
    throw error;
  }
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
