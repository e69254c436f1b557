/**
 * Applying one layer tar to a root file system: OCI whiteouts (`.wh.<name>` deletes,
 * `.wh..wh..opq` makes a directory opaque), regular files, directories, symbolic and
 * hard links, modes, ownership (when allowed) and times. Paths are resolved inside the
 * root one component at a time: a symbolic link met on the way is followed only while it
 * stays inside the root (an absolute target counts from the root); one that leads outside
 * throws `InvalidArchiveError`, so nothing is ever written outside the root.
 *
 * @module
 */
import { createTarDecoder, type ParsedTarEntry } from "modern-tar";
import { InvalidArchiveError } from "../errors.ts";
import type { RootfsWriter } from "../fs/mod.ts";

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";
const MAX_LINK_HOPS = 40;

/** A directory's metadata, applied once every layer is in (children change times). */
export interface DirectoryMeta {
  mode: number;
  mtime?: Date;
  uid?: number;
  gid?: number;
}

/** What applying layers shares. */
export interface UnpackState {
  /** The root directory (absolute, no trailing slash). */
  root: string;
  writer: RootfsWriter;
  warn: (message: string) => void;
  /** Directories' final metadata by root-relative path ("" is the root). */
  directories: Map<string, DirectoryMeta>;
}

function abs(state: UnpackState, rel: string): string {
  return rel === "" ? state.root : `${state.root}/${rel}`;
}

/** A layer entry name as clean components; `..` is refused, a leading `/` dropped. */
function entryParts(name: string, what: string): string[] {
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

/**
 * Resolves the parent components `parts` inside the root, following symbolic links that
 * stay inside and creating missing directories; returns the resolved relative path.
 */
async function resolveParent(
  state: UnpackState,
  parts: string[],
  what: string,
  entry: string,
): Promise<string> {
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
    const info = await state.writer.lstat(abs(state, rel));
    if (info === undefined) {
      await state.writer.mkdir(abs(state, rel), 0o755);
      resolved.push(part);
    } else if (info.kind === "directory") {
      resolved.push(part);
    } else if (info.kind === "symlink") {
      if (++hops > MAX_LINK_HOPS) {
        throw new InvalidArchiveError(what, "LinkEscape", `too many links before "${entry}"`);
      }
      const target = await state.writer.readlink(abs(state, rel));
      if (target.startsWith("/")) resolved.length = 0;
      queue.unshift(...target.split("/"));
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

/** Resolves an entry path: parent safely, last component as it is (never followed). */
async function resolveEntry(state: UnpackState, name: string, what: string) {
  const parts = entryParts(name, what);
  if (parts.length === 0) return { rel: "", base: "" };
  const base = parts[parts.length - 1];
  const parent = await resolveParent(state, parts.slice(0, -1), what, name);
  return { rel: parent === "" ? base : `${parent}/${base}`, base, parent };
}

/** Options of {@linkcode applyLayer}. */
export interface ApplyLayerOptions {
  /** Names the layer in errors. */
  what: string;
  /** Stops reading. */
  signal?: AbortSignal;
}

/** Applies the uncompressed layer tar `stream` to the root of `state`. */
export async function applyLayer(
  state: UnpackState,
  stream: ReadableStream<Uint8Array>,
  options: ApplyLayerOptions,
): Promise<void> {
  const { what } = options;
  const reader = stream.pipeThrough(createTarDecoder({ strict: true }), {
    signal: options.signal,
  }).getReader();
  const created = new Set<string>();
  try {
    while (true) {
      let next: ReadableStreamReadResult<ParsedTarEntry>;
      try {
        next = await reader.read();
      } catch (error) {
        throw new InvalidArchiveError(what, "Format", String((error as Error).message ?? error), {
          cause: error,
        });
      }
      if (next.done) return;
      const { header, body } = next.value;
      try {
        await applyEntry(state, header, body, created, what);
      } finally {
        await body.cancel().catch(() => {});
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

type Header = ParsedTarEntry["header"];

async function applyEntry(
  state: UnpackState,
  header: Header,
  body: ReadableStream<Uint8Array>,
  created: Set<string>,
  what: string,
): Promise<void> {
  const type = header.type ?? "file";
  const { rel, base, parent } = await resolveEntry(state, header.name, what);
  const writer = state.writer;
  if (base.startsWith(WHITEOUT)) {
    if (base === OPAQUE) {
      const dir = parent ?? "";
      for (const child of await writer.readdir(abs(state, dir))) {
        const childRel = dir === "" ? child : `${dir}/${child}`;
        if (!created.has(childRel)) await writer.remove(abs(state, childRel));
      }
    } else if (!base.startsWith(`${WHITEOUT}${WHITEOUT}`)) {
      const name = base.slice(WHITEOUT.length);
      if (name === "" || name === "." || name === "..") {
        throw new InvalidArchiveError(what, "PathEscape", `bad whiteout "${header.name}"`);
      }
      await writer.remove(abs(state, parent ? `${parent}/${name}` : name));
    }
    return;
  }
  const path = abs(state, rel);
  const mode = (header.mode ?? (type === "directory" ? 0o755 : 0o644)) & 0o7777;
  const existing = rel === "" ? { kind: "directory" } : await writer.lstat(path);
  if (type === "directory") {
    if (existing !== undefined && existing.kind !== "directory") await writer.remove(path);
    if (existing?.kind !== "directory") await writer.mkdir(path, 0o700);
    created.add(rel);
    const meta: DirectoryMeta = { mode, mtime: header.mtime };
    if (writer.canChown) Object.assign(meta, { uid: header.uid ?? 0, gid: header.gid ?? 0 });
    state.directories.set(rel, meta);
    return;
  }
  if (rel === "") {
    throw new InvalidArchiveError(what, "BadHeader", `entry "${header.name}" has no name`);
  }
  if (!["file", "symlink", "link"].includes(type)) {
    state.warn(`Skipping ${type} "${rel}" of ${what}: special files are not created`);
    return;
  }
  let linkSource: string | undefined;
  if (type === "link") linkSource = await hardlinkSource(state, header, rel, what);
  if (existing !== undefined) await writer.remove(path);
  created.add(rel);
  if (type === "link") {
    await writer.link(linkSource!, path);
    return;
  }
  if (type === "symlink") {
    const target = header.linkname ?? "";
    if (target === "" || target.includes("\0")) {
      throw new InvalidArchiveError(what, "BadHeader", `link "${rel}" has an invalid target`);
    }
    await writer.symlink(target, path);
  } else {
    await writer.writeFile(path, body, 0o600);
  }
  if (writer.canChown) await writer.lchown(path, header.uid ?? 0, header.gid ?? 0);
  if (type === "file") await writer.chmod(path, mode);
  if (header.mtime) await writer.lutimes(path, header.mtime, header.mtime);
}

/** The absolute host path a hard link entry links to, checked to be inside the root. */
async function hardlinkSource(
  state: UnpackState,
  header: Header,
  rel: string,
  what: string,
): Promise<string> {
  const target = header.linkname ?? "";
  if (target === "" || target.includes("\0")) {
    throw new InvalidArchiveError(what, "BadHeader", `hard link "${rel}" has an invalid target`);
  }
  if (target.startsWith("/")) {
    throw new InvalidArchiveError(
      what,
      "LinkEscape",
      `hard link "${rel}" points to the absolute path "${target}"`,
    );
  }
  let resolved;
  try {
    resolved = await resolveEntry(state, target, what);
  } catch (error) {
    if (error instanceof InvalidArchiveError) {
      throw new InvalidArchiveError(
        what,
        "LinkEscape",
        `hard link "${rel}" points outside the root ("${target}")`,
        { cause: error },
      );
    }
    throw error;
  }
  const source = abs(state, resolved.rel);
  const info = await state.writer.lstat(source);
  if (info === undefined || info.kind === "directory" || resolved.rel === rel) {
    throw new InvalidArchiveError(
      what,
      "Missing",
      `hard link "${rel}" points to "${target}", which is not a file of the layers`,
    );
  }
  return source;
}

/** Applies the recorded directory modes, owners and times, deepest first. */
export async function finishDirectories(state: UnpackState): Promise<void> {
  const paths = [...state.directories.keys()].sort((a, b) =>
    b.split("/").length - a.split("/").length || (a < b ? 1 : -1)
  );
  for (const rel of paths) {
    const meta = state.directories.get(rel)!;
    const path = abs(state, rel);
    const info = await state.writer.lstat(path);
    if (info?.kind !== "directory") continue;
    if (meta.uid !== undefined) await state.writer.lchown(path, meta.uid, meta.gid ?? 0);
    await state.writer.chmod(path, meta.mode);
    if (meta.mtime) await state.writer.lutimes(path, meta.mtime, meta.mtime);
  }
}
