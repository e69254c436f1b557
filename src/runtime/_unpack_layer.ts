/**
 * Applying one layer tar to a root file system: OCI whiteouts (`.wh.<name>` deletes,
 * `.wh..wh..opq` makes a directory opaque), regular files, directories, symbolic and
 * hard links, modes, ownership (when allowed) and times. Paths are resolved inside the
 * root one component at a time (see `_unpack_paths.ts`): a symbolic link met on the way is
 * followed only inside the root (an absolute target counts from the root); one that leads
 * above it throws `InvalidArchiveError`. Whiteouts and hard link targets create nothing.
 * Directory metadata is deferred to {@linkcode finishDirectories}, forgotten when its path
 * is removed and re-checked before it is applied, so nothing outside the root is touched
 * whatever the order of the entries.
 *
 * @module
 */
import { createTarDecoder, type ParsedTarEntry } from "modern-tar";
import type { DirectoryMeta, DirectoryMetas } from "./_directory_metas.ts";
import { InvalidArchiveError, StevedoreError } from "../errors.ts";
import {
  hostPath,
  realDirectory,
  type ResolvedEntry,
  resolveEntry,
  type UnpackRoot,
} from "./_unpack_paths.ts";

const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** What applying layers shares. */
export interface UnpackState extends UnpackRoot {
  warn: (message: string) => void;
  /**
   * Directories' final metadata by root-relative path (that of the root itself is not
   * applied); a path is forgotten with everything below it when it is removed.
   */
  directories: DirectoryMetas;
  /** Root-level names an opaque marker at the root leaves alone (stevedore's own). */
  keep?: ReadonlySet<string>;
}

/** Removes `rel` (and everything below it) and forgets the metadata recorded there. */
async function removePath(state: UnpackState, rel: string): Promise<void> {
  await state.writer.remove(hostPath(state, rel));
  state.directories.forget(rel);
}

/** Options of {@linkcode applyLayer}. */
export interface ApplyLayerOptions {
  /** Names the layer in errors. */
  what: string;
  /** Stops reading. */
  signal?: AbortSignal;
}

/**
 * Applies the uncompressed layer tar `stream` to the root of `state`, reading it to its
 * end (so a digest check upstream sees every byte). A typed error of the stream (a digest
 * mismatch, bad compression) is thrown as it is; other tar errors become
 * `InvalidArchiveError`.
 */
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
        if (error instanceof StevedoreError || options.signal?.aborted) throw error;
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

/** Applies a whiteout or an opaque marker; nothing to do when its folder is missing. */
async function applyWhiteout(
  state: UnpackState,
  header: Header,
  created: Set<string>,
  what: string,
): Promise<void> {
  const entry = await resolveEntry(state, header.name, "stop", what);
  if (entry === undefined) return;
  const { parent, base } = entry;
  if (base === OPAQUE) {
    for (const child of await state.writer.readdir(hostPath(state, parent))) {
      const childRel = parent === "" ? child : `${parent}/${child}`;
      if (created.has(childRel) || (parent === "" && state.keep?.has(child))) continue;
      await removePath(state, childRel);
    }
    return;
  }
  if (base.startsWith(`${WHITEOUT}${WHITEOUT}`)) return;
  const name = base.slice(WHITEOUT.length);
  if (name === "" || name === "." || name === "..") {
    throw new InvalidArchiveError(what, "PathEscape", `bad whiteout "${header.name}"`);
  }
  await removePath(state, parent === "" ? name : `${parent}/${name}`);
}

async function applyEntry(
  state: UnpackState,
  header: Header,
  body: ReadableStream<Uint8Array>,
  created: Set<string>,
  what: string,
): Promise<void> {
  const type = header.type ?? "file";
  const parts = header.name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.length > 0 && parts[parts.length - 1].startsWith(WHITEOUT)) {
    await applyWhiteout(state, header, created, what);
    return;
  }
  const { rel } = (await resolveEntry(state, header.name, "create", what))!;
  const writer = state.writer;
  const path = hostPath(state, rel);
  const mode = (header.mode ?? (type === "directory" ? 0o755 : 0o644)) & 0o7777;
  const existing = rel === "" ? { kind: "directory" } : await writer.lstat(path);
  if (type === "directory") {
    if (existing !== undefined && existing.kind !== "directory") await removePath(state, rel);
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
  if (existing !== undefined) await removePath(state, rel);
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

/**
 * The host path a hard link entry at `rel` links to: its target resolved inside the
 * root without creating anything, an existing non-directory (a symbolic link is linked
 * as itself, never followed) that replacing `rel` does not remove.
 */
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
  let resolved: ResolvedEntry | undefined;
  try {
    resolved = await resolveEntry(state, target, "stop", what);
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
  const source = resolved === undefined ? undefined : hostPath(state, resolved.rel);
  const info = source === undefined ? undefined : await state.writer.lstat(source);
  if (
    source === undefined || info === undefined || info.kind === "directory" ||
    resolved!.rel === rel || resolved!.rel.startsWith(`${rel}/`)
  ) {
    throw new InvalidArchiveError(
      what,
      "Missing",
      `hard link "${rel}" points to "${target}", which is not a file of the layers`,
    );
  }
  return source;
}

/**
 * Applies the recorded directory modes, owners and times (not the root's), children
 * before their parent. Each path is
 * checked again right before its metadata is applied: one that is no longer a chain of
 * real directories (a link was swapped in since it was recorded) is skipped, so nothing
 * is reached through a link. The caller keeps other unpacks out of the root meanwhile.
 */
export async function finishDirectories(state: UnpackState): Promise<void> {
  for (const [rel, meta] of state.directories.entries()) {
    if (rel === "") continue;
    const path = await realDirectory(state, rel);
    if (path === undefined) continue;
    if (meta.uid !== undefined) await state.writer.lchown(path, meta.uid, meta.gid ?? 0);
    await state.writer.chmod(path, meta.mode);
    if (meta.mtime) await state.writer.lutimes(path, meta.mtime, meta.mtime);
  }
}
