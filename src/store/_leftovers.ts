/**
 * Leftovers: what killed or cancelled work left in the store's `tmp/` and `leases/`
 * folders. Every entry there is named after its owner (see `temporaryName`), so the
 * entries of processes that no longer run can be removed while those of live processes,
 * and entries of other hosts, are never touched.
 *
 * @module
 */
import { type FileSystem, isNotFound, isOwnerGone, temporaryOwner } from "../fs/mod.ts";
import { listDir } from "./_maintenance.ts";
import type { StoreLeftover } from "./types.ts";

/** The bytes under `path` (a file, or a folder counted whole). */
async function sizeOf(fs: FileSystem, path: string): Promise<number> {
  const info = await fs.stat(path);
  if (!info.isDirectory) return info.size;
  let total = 0;
  for (const name of await listDir(fs, path)) {
    total += await sizeOf(fs, `${path}/${name}`).catch((error) => {
      if (isNotFound(error)) return 0;
      throw error;
    });
  }
  return total;
}

/**
 * Removes the temporary entries (`tmp/`) and blob leases (`leases/`) whose owner no longer
 * runs on this host, and returns them. Needs no lock: nobody else uses a dead process's
 * entries, and two cleaners removing the same entry both succeed.
 */
export async function removeDeadEntries(fs: FileSystem, root: string): Promise<StoreLeftover[]> {
  const removed: StoreLeftover[] = [];
  for (const [folder, kind] of [["tmp", "temporary"], ["leases", "lease"]] as const) {
    for (const name of await listDir(fs, `${root}/${folder}`)) {
      const owner = temporaryOwner(name);
      if (owner === undefined || !isOwnerGone(owner)) continue;
      const path = `${root}/${folder}/${name}`;
      let size: number;
      try {
        size = await sizeOf(fs, path);
      } catch (error) {
        if (isNotFound(error)) continue; // Another cleaner was faster.
        throw error;
      }
      await fs.remove(path, { recursive: true });
      removed.push({ path: `${folder}/${name}`, kind, pid: owner.pid, size });
    }
  }
  return removed;
}
