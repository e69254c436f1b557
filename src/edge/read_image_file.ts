/**
 * Reading one file of an image straight from its stored layers, top layer first, with
 * OCI whiteouts and opaque directories honoured and symbolic links followed inside the
 * image: what a Worker needs to serve files from an image without unpacking it to a disk.
 *
 * @module
 */
import { createTarDecoder, type ParsedTarEntry } from "modern-tar";
import { decompressStream } from "../compression/mod.ts";
import { InvalidArchiveError, StevedoreError } from "../errors.ts";
import type { ImageRecord, ImageStore } from "../store/mod.ts";
import { readLimited } from "../streams/mod.ts";

/** Options of {@linkcode readImageFile}. */
export interface ReadImageFileOptions {
  /** The largest file returned; a larger one throws `InvalidArchiveError`. @default 64 MiB */
  maxBytes?: number;
  /** Stops reading. */
  signal?: AbortSignal;
}

/** How many symbolic links one lookup may follow. */
const MAX_LINKS = 40;
const WHITEOUT = ".wh.";
const OPAQUE = ".wh..wh..opq";

/** What one layer says about the path looked for. */
type Finding =
  | { kind: "file"; bytes: Uint8Array }
  | { kind: "redirect"; path: string }
  | { kind: "absent" }
  | { kind: "hidden" }
  | { kind: "unknown" };

/**
 * Resolves `path` (absolute or relative to `base`) inside the image: `..` stops at the
 * root, as it does for a process whose root is the image's.
 */
function cleanPath(path: string, base = ""): string {
  const parts = path.startsWith("/") || base === "" ? [] : base.split("/");
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function isUnder(path: string, folder: string): boolean {
  return folder === "" || path === folder || path.startsWith(`${folder}/`);
}

function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "" : path.slice(0, slash);
}

async function readBody(
  body: ReadableStream<Uint8Array>,
  path: string,
  maxBytes: number,
  what: string,
): Promise<Uint8Array> {
  const bytes = await readLimited(body, maxBytes);
  if (bytes === undefined) {
    throw new InvalidArchiveError(what, "TooLarge", `"${path}" is larger than ${maxBytes} bytes`);
  }
  return bytes;
}

/** What one tar entry says about `path`, or undefined when nothing. */
async function findingOf(
  entry: ParsedTarEntry,
  path: string,
  what: string,
  options: ReadImageFileOptions,
): Promise<Finding | undefined> {
  const { header, body } = entry;
  const entryPath = cleanPath(header.name);
  const name = entryPath.slice(entryPath.lastIndexOf("/") + 1);
  const folder = parentOf(entryPath);
  if (name === OPAQUE) {
    return isUnder(path, folder) && path !== folder ? { kind: "hidden" } : undefined;
  }
  if (name.startsWith(WHITEOUT)) {
    const base = name.slice(WHITEOUT.length);
    const removed = folder === "" ? base : `${folder}/${base}`;
    return isUnder(path, removed) ? { kind: "absent" } : undefined;
  }
  const type = header.type ?? "file";
  const link = header.linkname ?? "";
  if (entryPath === path) {
    if (type === "file") {
      return {
        kind: "file",
        bytes: await readBody(body, path, options.maxBytes ?? 64 << 20, what),
      };
    }
    if (type === "symlink" && link !== "") {
      return { kind: "redirect", path: cleanPath(link, folder) };
    }
    if (type === "link" && link !== "") return { kind: "redirect", path: cleanPath(link) };
    return { kind: "absent" }; // A directory or a device is no file to read.
  }
  if (type === "symlink" && link !== "" && isUnder(path, entryPath)) {
    return {
      kind: "redirect",
      path: cleanPath(path.slice(entryPath.length + 1), cleanPath(link, folder)),
    };
  }
  return undefined;
}

/**
 * Reads what is left of an entry's body: the tar decoder moves on to the next entry only
 * then (cancelling an unread body can stall it when the layer arrives in pieces).
 */
async function drain(body: ReadableStream<Uint8Array>): Promise<void> {
  if (body.locked) return;
  const reader = body.getReader();
  try {
    while (!(await reader.read()).done) { /* skip */ }
  } finally {
    reader.releaseLock();
  }
}

/** Scans one layer for `path`: found, redirected by a link, deleted, hidden below, or silent. */
async function scanLayer(
  stream: ReadableStream<Uint8Array>,
  path: string,
  what: string,
  options: ReadImageFileOptions,
): Promise<Finding> {
  let outcome: Finding = { kind: "unknown" };
  const reader = stream
    .pipeThrough(decompressStream("auto", { what }))
    .pipeThrough(createTarDecoder({ strict: true }), { signal: options.signal })
    .getReader();
  try {
    for (;;) {
      let next: ReadableStreamReadResult<ParsedTarEntry>;
      try {
        next = await reader.read();
      } catch (error) {
        if (error instanceof StevedoreError || options.signal?.aborted) throw error;
        throw new InvalidArchiveError(what, "Format", String((error as Error)?.message ?? error), {
          cause: error,
        });
      }
      if (next.done) return outcome;
      try {
        const finding = await findingOf(next.value, path, what, options);
        // A whiteout speaks of the layers below: a file of this very layer still wins.
        if (finding?.kind === "file" || finding?.kind === "redirect") return finding;
        if (finding !== undefined && outcome.kind === "unknown") outcome = finding;
      } finally {
        await drain(next.value.body);
      }
    }
  } finally {
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}

/**
 * The content of the regular file at `path` in `image` (a single-image record of `store`),
 * or `undefined` when the image has no such file (or it is a directory or a device).
 *
 * @example
 * ```ts ignore
 * const { image } = await runtime.lookupImage("alpine");
 * const bytes = await readImageFile(runtimeParts(runtime).store, image, "/etc/os-release");
 * ```
 */
export async function readImageFile(
  store: ImageStore,
  image: ImageRecord,
  path: string,
  options: ReadImageFileOptions = {},
): Promise<Uint8Array | undefined> {
  let target = cleanPath(path);
  for (let links = 0; links <= MAX_LINKS; links++) {
    let redirected = false;
    for (let i = image.layers.length - 1; i >= 0 && !redirected; i--) {
      const digest = image.layers[i];
      const finding = await scanLayer(await store.readBlob(digest), target, digest, options);
      if (finding.kind === "file") return finding.bytes;
      if (finding.kind === "absent" || finding.kind === "hidden") return undefined;
      if (finding.kind === "redirect") {
        target = finding.path;
        redirected = true;
      }
    }
    if (!redirected) return undefined;
  }
  throw new InvalidArchiveError(path, "LinkEscape", `more than ${MAX_LINKS} links to follow`);
}
