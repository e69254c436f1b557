/**
 * POSIX path joining in plain TypeScript (what `node:path`'s `posix.join` and
 * `posix.dirname` do), so that configuration and store code loads on any runtime.
 *
 * @example
 * ```ts
 * import { posix } from "./posix_path.ts";
 * posix.join("/home/u", ".config", "../x"); // "/home/u/x"
 * posix.dirname("/a/b/c"); // "/a/b"
 * ```
 *
 * @module
 */

/** Resolves `.` and `..` segments and repeated slashes; `""` becomes `"."`. */
export function normalizePath(path: string): string {
  if (path === "") return ".";
  const absolute = path.startsWith("/");
  const trailing = path.endsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  let joined = out.join("/");
  if (joined === "") return absolute ? "/" : trailing ? "./" : ".";
  if (trailing) joined += "/";
  return absolute ? `/${joined}` : joined;
}

/** Joins path segments with `/` and normalizes the result; empty segments are skipped. */
export function joinPath(...segments: string[]): string {
  const present = segments.filter((segment) => segment !== "");
  return present.length === 0 ? "." : normalizePath(present.join("/"));
}

/** The folder part of `path` (`"/"` for a top-level entry, `"."` for a bare name). */
export function dirnamePath(path: string): string {
  if (path === "") return ".";
  const trimmed = path.replace(/\/+$/, "");
  if (trimmed === "") return "/";
  const slash = trimmed.lastIndexOf("/");
  if (slash < 0) return ".";
  const head = trimmed.slice(0, slash).replace(/\/+$/, "");
  return head === "" ? "/" : head;
}

/** `node:path`'s `posix` namesake for the functions stevedore uses. */
export const posix: {
  readonly join: (...segments: string[]) => string;
  readonly dirname: (path: string) => string;
  readonly normalize: (path: string) => string;
} = { join: joinPath, dirname: dirnamePath, normalize: normalizePath };
