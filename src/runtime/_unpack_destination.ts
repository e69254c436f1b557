/**
 * The directory an unpack writes: created with its missing parents, marked incomplete
 * while layers go in, and on failure removed (when unpack created it or found it empty)
 * or left marked incomplete (when it held files before). One unpack at a time writes a
 * given directory in this process.
 *
 * @module
 */
import type { RootfsWriter } from "../fs/mod.ts";

/**
 * The file at the root of a destination while an unpack runs, and after one that failed
 * in a directory that held files before: its presence means "not a complete image".
 */
export const INCOMPLETE_MARKER = ".stevedore-unpack-incomplete";

/** A destination being written. */
interface Destination {
  /** The directory (no trailing slash). */
  root: string;
  writer: RootfsWriter;
  /** The topmost directory this unpack created (the root or a parent), if any. */
  createdTop?: string;
  /** Whether the root was missing or empty before. */
  wasEmpty: boolean;
}

const queues = new Map<string, Promise<void>>();

/** Runs `fn` once no other call for the same `key` runs. */
async function exclusive<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const previous = queues.get(key) ?? Promise.resolve();
  let release!: () => void;
  const done = new Promise<void>((resolve) => release = resolve);
  const turn = previous.then(() => done);
  queues.set(key, turn);
  await previous;
  try {
    return await fn();
  } finally {
    release();
    if (queues.get(key) === turn) queues.delete(key);
  }
}

/** The folders from the first component of `root` down to `root` itself. */
function lineage(root: string): string[] {
  const parts = root.split("/");
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) {
    const path = parts.slice(0, i).join("/");
    if (path !== "") out.push(path);
  }
  return out;
}

async function writeMarker(dest: Destination, text: string): Promise<void> {
  const path = `${dest.root}/${INCOMPLETE_MARKER}`;
  await dest.writer.remove(path);
  await dest.writer.writeFile(path, new Blob([text]).stream(), 0o644);
}

/**
 * Prepares `root` for unpacking `image`: creates it and its missing parents, and marks it
 * incomplete. On failure, removes the folders it created.
 *
 * @throws {TypeError} when `root` or one of its parents is not a directory.
 */
async function openDestination(
  writer: RootfsWriter,
  root: string,
  image: string,
): Promise<Destination> {
  const dest: Destination = { root, writer, wasEmpty: true };
  try {
    for (const path of lineage(root)) {
      const info = dest.createdTop === undefined ? await writer.lstat(path) : undefined;
      if (info === undefined) {
        await writer.mkdir(path, 0o755);
        dest.createdTop ??= path;
      } else if (info.kind !== "directory" && (path === root || info.kind !== "symlink")) {
        throw new TypeError(`Cannot unpack into "${root}": "${path}" is not a directory`);
      }
    }
    dest.wasEmpty = dest.createdTop !== undefined || (await writer.readdir(root)).length === 0;
    await writeMarker(dest, `stevedore is unpacking ${image} here\n`);
  } catch (error) {
    if (dest.createdTop !== undefined) await writer.remove(dest.createdTop).catch(() => {});
    throw error;
  }
  return dest;
}

/** Marks a destination complete. */
async function completeDestination(dest: Destination): Promise<void> {
  await dest.writer.remove(`${dest.root}/${INCOMPLETE_MARKER}`);
}

/**
 * Undoes a failed unpack: removes what it created (the folder, or everything in a folder
 * that was empty), else leaves the folder marked incomplete with the reason.
 */
async function abandonDestination(dest: Destination, reason: unknown): Promise<void> {
  const { writer, root } = dest;
  if (dest.createdTop !== undefined) {
    await writer.remove(dest.createdTop);
  } else if (dest.wasEmpty) {
    for (const name of await writer.readdir(root)) await writer.remove(`${root}/${name}`);
  } else {
    const message = reason instanceof Error ? reason.message : String(reason);
    await writeMarker(dest, `stevedore could not finish unpacking here: ${message}\n`);
  }
}

/**
 * Runs `fn` on the directory `dir` (without trailing slash) prepared for unpacking
 * `image`: once no other unpack into `dir` runs in this process (so none swaps a path
 * another has checked), with `dir` and its missing parents created and marked
 * incomplete. The mark goes when `fn` succeeds; when it fails, what was created is
 * removed, a folder that was empty is emptied, and one that held files keeps the mark.
 *
 * @throws {TypeError} when `dir` or one of its parents is not a directory.
 */
export async function withDestination<T>(
  writer: RootfsWriter,
  dir: string,
  image: string,
  fn: (root: string) => Promise<T>,
): Promise<T> {
  const root = dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
  return await exclusive(root, async () => {
    const dest = await openDestination(writer, root, image);
    try {
      const result = await fn(root);
      await completeDestination(dest);
      return result;
    } catch (error) {
      await abandonDestination(dest, error).catch(() => {});
      throw error;
    }
  });
}
