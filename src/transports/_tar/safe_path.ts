/**
 * Path rules for tar entries: every entry name and link target must stay inside the
 * archive's root once resolved, so nothing can ever be written or read outside it.
 *
 * @module
 */
import { InvalidArchiveError } from "../../errors.ts";

/** The longest entry name or link target accepted, in characters. */
export const MAX_TAR_PATH_LENGTH = 4096;

/**
 * Turns a tar entry name into a clean relative path (`a/b/c`, no `.`, no trailing `/`).
 * Rejects absolute names and names with `..` components; `""` stands for the root itself.
 */
export function normalizeEntryPath(name: string, what: string): string {
  if (name.length > MAX_TAR_PATH_LENGTH) {
    throw new InvalidArchiveError(what, "TooLarge", `entry name is ${name.length} characters long`);
  }
  if (name.includes("\0")) {
    throw new InvalidArchiveError(what, "BadHeader", `entry name "${name}" contains a NUL byte`);
  }
  if (name.startsWith("/") || /^[A-Za-z]:[\\/]/.test(name) || name.startsWith("\\")) {
    throw new InvalidArchiveError(what, "PathEscape", `entry "${name}" has an absolute path`);
  }
  const parts: string[] = [];
  for (const part of name.split(/[\\/]/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      throw new InvalidArchiveError(what, "PathEscape", `entry "${name}" leaves the archive root`);
    }
    parts.push(part);
  }
  return parts.join("/");
}

/**
 * Resolves the target of a link entry to a clean path relative to the archive root.
 * A symbolic link's target is relative to the link's folder; a hard link's to the root.
 * Throws `LinkEscape` when the target is absolute or climbs above the root.
 */
export function resolveLinkTarget(
  entryPath: string,
  target: string,
  kind: "symlink" | "link",
  what: string,
): string {
  if (target.length > MAX_TAR_PATH_LENGTH) {
    throw new InvalidArchiveError(what, "TooLarge", `link target of "${entryPath}" is too long`);
  }
  if (target === "" || target.includes("\0")) {
    throw new InvalidArchiveError(what, "BadHeader", `link "${entryPath}" has an invalid target`);
  }
  if (target.startsWith("/") || target.startsWith("\\") || /^[A-Za-z]:[\\/]/.test(target)) {
    throw new InvalidArchiveError(
      what,
      "LinkEscape",
      `link "${entryPath}" points to the absolute path "${target}"`,
    );
  }
  const parts = kind === "symlink" ? entryPath.split("/").slice(0, -1) : [];
  for (const part of target.split(/[\\/]/)) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (parts.length === 0) {
        throw new InvalidArchiveError(
          what,
          "LinkEscape",
          `link "${entryPath}" points outside the archive ("${target}")`,
        );
      }
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

/** Joins a root folder and a clean relative path. */
export function joinPath(root: string, relative: string): string {
  if (relative === "") return root;
  return root.endsWith("/") ? root + relative : `${root}/${relative}`;
}
