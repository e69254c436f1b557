/**
 * Blob leases: a writer that is copying an image into the store names the blobs it relies
 * on in a lease file (`leases/<owner tag>-<uuid>.json`, see `temporaryName`) before it
 * writes or reuses them, and garbage collection keeps every blob a live writer's lease
 * names. A lease whose process died is removed by the next open, check or collection.
 *
 * @module
 */
import {
  type FileSystem,
  isNotFound,
  isOwnerGone,
  temporaryName,
  temporaryOwner,
  writeFileAtomic,
} from "../fs/mod.ts";

/** The blobs one writer relies on until it committed its image (or gave up). */
export class BlobLease {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #path: string;
  readonly #digests = new Set<string>();
  #released = false;

  /** A lease in the store at `root`; nothing is written before the first `add`. */
  constructor(fs: FileSystem, root: string) {
    this.#fs = fs;
    this.#dir = `${root}/leases`;
    this.#path = `${this.#dir}/${temporaryName()}.json`;
  }

  /** Protects `digest` from garbage collection until the lease is released. */
  async add(digest: string): Promise<void> {
    if (this.#released) throw new TypeError("Cannot add to a released blob lease");
    if (this.#digests.has(digest)) return;
    this.#digests.add(digest);
    await this.#fs.mkdir(this.#dir, { recursive: true });
    await writeFileAtomic(this.#fs, this.#path, JSON.stringify([...this.#digests]));
  }

  /** Ends the lease; its blobs are collectable again if no record references them. */
  async release(): Promise<void> {
    this.#released = true;
    await this.#fs.remove(this.#path);
  }
}

/** The digests live leases name; removes the leases of dead writers. */
export async function leasedDigests(fs: FileSystem, root: string): Promise<Set<string>> {
  const dir = `${root}/leases`;
  const leased = new Set<string>();
  let names: string[];
  try {
    names = await fs.readDir(dir);
  } catch (error) {
    if (isNotFound(error)) return leased;
    throw error;
  }
  for (const name of names) {
    const owner = temporaryOwner(name);
    if (owner !== undefined && isOwnerGone(owner)) {
      await fs.remove(`${dir}/${name}`);
      continue;
    }
    if (!name.endsWith(".json")) continue;
    try {
      const digests: unknown = JSON.parse(await fs.readTextFile(`${dir}/${name}`));
      if (Array.isArray(digests)) {
        for (const digest of digests) if (typeof digest === "string") leased.add(digest);
      }
    } catch {
      // Released while we read it, or half-written by a writer that is being killed.
    }
  }
  return leased;
}
