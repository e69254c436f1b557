// A sentinel tree outside an unpack destination, and a snapshot of every entry in it
// (content, link target, mode, owner, times, link count), for the unpack escape tests.
import {
  lchown,
  lstat,
  lutimes,
  mkdir,
  readdir,
  readFile,
  readlink,
  symlink,
  writeFile,
} from "node:fs/promises";
import { userInfo } from "node:os";
import { join } from "node:path";
import type { LayerEntry } from "./_layer_tar.ts";

/** Whether the tests can give the sentinel an owner of their choice (root). */
export const IS_ROOT = userInfo().uid === 0;

/** The owner the sentinel entries get when running as root. */
export const SENTINEL_OWNER = 1234;

/** The modification time of every sentinel entry, in seconds. */
export const SENTINEL_MTIME = 1_000_000_000;

interface Seed {
  path: string;
  kind: "dir" | "file" | "symlink";
  mode?: number;
  body?: string;
  target?: string;
}

// Named like the entries hostile layers reach through a swapped link: `x`, `x/x`, `f`.
const SEEDS: Seed[] = [
  { path: "x", kind: "dir", mode: 0o751 },
  { path: "x/x", kind: "dir", mode: 0o750 },
  { path: "x/y", kind: "dir", mode: 0o700 },
  { path: "x/keep", kind: "file", mode: 0o640, body: "keep" },
  { path: "f", kind: "file", mode: 0o600, body: "secret" },
  { path: "l", kind: "symlink", target: "f" },
];

/**
 * Fills `base` (an existing directory) with the sentinel tree and gives every entry and
 * `base` itself a known mode, owner (when root) and modification time.
 */
export async function plantSentinel(base: string): Promise<void> {
  for (const seed of SEEDS) {
    const path = join(base, seed.path);
    if (seed.kind === "dir") await mkdir(path, { mode: seed.mode });
    else if (seed.kind === "file") await writeFile(path, seed.body ?? "", { mode: seed.mode });
    else await symlink(seed.target!, path);
  }
  const time = new Date(SENTINEL_MTIME * 1000);
  for (const seed of [...SEEDS].reverse()) {
    const path = join(base, seed.path);
    if (IS_ROOT) await lchown(path, SENTINEL_OWNER, SENTINEL_OWNER);
    await lutimes(path, time, time);
  }
  await lutimes(base, time, time);
}

/** What is recorded of one entry. */
export interface EntryState {
  kind: string;
  mode: number;
  uid: number;
  gid: number;
  mtimeMs: number;
  nlink: number;
  ino: number;
  content?: string;
  target?: string;
}

/** Every entry below `base` (and `base` itself as ""), except the top-level names in `skip`. */
export async function snapshot(
  base: string,
  skip: string[] = [],
): Promise<Map<string, EntryState>> {
  const out = new Map<string, EntryState>();
  const visit = async (rel: string) => {
    const path = rel === "" ? base : join(base, rel);
    const info = await lstat(path);
    const state: EntryState = {
      kind: info.isSymbolicLink() ? "symlink" : info.isDirectory() ? "dir" : "file",
      mode: info.mode & 0o7777,
      uid: info.uid,
      gid: info.gid,
      mtimeMs: info.mtimeMs,
      nlink: info.nlink,
      ino: info.ino,
    };
    if (info.isSymbolicLink()) state.target = await readlink(path);
    else if (info.isFile()) state.content = await readFile(path, "utf8");
    out.set(rel, state);
    if (!info.isDirectory()) return;
    for (const name of (await readdir(path)).sort()) {
      if (rel === "" && skip.includes(name)) continue;
      await visit(rel === "" ? name : `${rel}/${name}`);
    }
  };
  await visit("");
  return out;
}

/**
 * The layer of the original report: `d/`, then `d/x/` (mode 0777, owner 4242), then `d`
 * as a symbolic link to `target`. Unpacked through a sentinel folder holding `x`, the
 * deferred metadata of `d/x` must not reach the sentinel's `x`.
 */
export function swapLayer(target: string): LayerEntry[] {
  return [
    { name: "d/", type: "dir" },
    { name: "d/x/", type: "dir", mode: 0o777, uid: 4242, gid: 4242, mtime: 1_600_000_000 },
    { name: "d", type: "symlink", linkname: target },
  ];
}
