/**
 * Resolving layer paths inside an unpack root without ever leaving it. Every component is
 * looked at with `lstat` (links are not followed by the host): a real directory is
 * entered, a symbolic link is replaced by its target read inside the root (an absolute
 * target counts from the root, chroot-style; `..` above the root is refused), and the
 * resolved path returned is made of real directories only. Deferred steps re-check their
 * path with {@linkcode realDirectory}, which follows no link at all.
 *
 * @module
 */
import { InvalidArchiveError } from "../errors.ts";
import type { RootfsWriter } from "../fs/mod.ts";

const MAX_LINK_HOPS = 40;

/** Where paths are resolved: a root directory written through `writer`. */
export interface UnpackRoot {
  /** The root directory (absolute, no trailing slash). */
  root: string;
  /** Reads and writes the disk. */
  writer: RootfsWriter;
}

/** The host path of the root-relative path `rel` ("" is the root). */
export function hostPath(target: UnpackRoot, rel: string): string {
  return rel === "" ? target.root : `${target.root}/${rel}`;
}

/** A layer entry name as clean components; `..` is refused, a leading `/` dropped. */
export function entryParts(name: string, what: string): string[] {
  if (name.includes("\0")) {
    throw new InvalidArchiveError(what, "BadHeader", `entry "${name}" contains a NUL byte`);
  }
  const parts: string[] = [];
  for (const part of name.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      throw new InvalidArchiveError(what, "PathEscape", `entry "${name}" leaves the root`);
    }
    parts.push(part);
  }
  return parts;
}

/** How {@linkcode resolveDirectory} treats a component that does not exist. */
export type MissingPolicy = "create" | "stop";

/**
 * Resolves the directory components `parts` inside the root: real directories are
 * entered, links are followed inside the root, missing components are created (`"create"`)
 * or end the walk (`"stop"`, which returns `undefined`). Returns the root-relative path,
 * made of real directories only, of the directory reached.
 *
 * @throws {InvalidArchiveError} when a link leads above the root, links loop, or a
 * component is not a directory.
 */
export async function resolveDirectory(
  target: UnpackRoot,
  parts: string[],
  missing: MissingPolicy,
  context: { what: string; entry: string },
): Promise<string | undefined> {
  const { what, entry } = context;
  const resolved: string[] = [];
  const queue = [...parts];
  let hops = 0;
  while (queue.length > 0) {
    const part = queue.shift()!;
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (resolved.length === 0) {
        throw new InvalidArchiveError(
          what,
          "LinkEscape",
          `entry "${entry}" is reached through a link that leaves the root`,
        );
      }
      resolved.pop();
      continue;
    }
    const rel = [...resolved, part].join("/");
    const info = await target.writer.lstat(hostPath(target, rel));
    if (info === undefined) {
      if (missing === "stop") return undefined;
      await target.writer.mkdir(hostPath(target, rel), 0o755);
      resolved.push(part);
    } else if (info.kind === "directory") {
      resolved.push(part);
    } else if (info.kind === "symlink") {
      if (++hops > MAX_LINK_HOPS) {
        throw new InvalidArchiveError(what, "LinkEscape", `too many links before "${entry}"`);
      }
      const link = await target.writer.readlink(hostPath(target, rel));
      if (link.startsWith("/")) resolved.length = 0;
      queue.unshift(...link.split("/"));
    } else {
      throw new InvalidArchiveError(
        what,
        "Format",
        `entry "${entry}" is below "${rel}", which is not a directory`,
      );
    }
  }
  return resolved.join("/");
}

/** A layer path resolved inside the root: its real parent directory and its last name. */
export interface ResolvedEntry {
  /** The root-relative path (parent resolved, last component as named); "" for the root. */
  rel: string;
  /** The last component ("" for the root). */
  base: string;
  /** The root-relative path of the real parent directory. */
  parent: string;
}

/**
 * Resolves the entry `name`: its parent as {@linkcode resolveDirectory} does, its last
 * component as it is (never followed). `undefined` when `missing` is `"stop"` and the
 * parent does not exist.
 */
export async function resolveEntry(
  target: UnpackRoot,
  name: string,
  missing: MissingPolicy,
  what: string,
): Promise<ResolvedEntry | undefined> {
  const parts = entryParts(name, what);
  if (parts.length === 0) return { rel: "", base: "", parent: "" };
  const base = parts[parts.length - 1];
  const parent = await resolveDirectory(target, parts.slice(0, -1), missing, {
    what,
    entry: name,
  });
  if (parent === undefined) return undefined;
  return { rel: parent === "" ? base : `${parent}/${base}`, base, parent };
}

/**
 * The host path of `rel` if every component of it, the last included, is a real
 * directory right now (no link followed), else `undefined`: what a deferred step checks
 * before it touches a path recorded earlier.
 */
export async function realDirectory(
  target: UnpackRoot,
  rel: string,
): Promise<string | undefined> {
  let prefix = "";
  for (const part of rel === "" ? [] : rel.split("/")) {
    prefix = prefix === "" ? part : `${prefix}/${part}`;
    const info = await target.writer.lstat(hostPath(target, prefix));
    if (info?.kind !== "directory") return undefined;
  }
  return hostPath(target, rel);
}
