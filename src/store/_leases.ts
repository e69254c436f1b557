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
} from "../fs/mod.ts";

/** The blobs one writer relies on until it committed its image (or gave up). */
export class BlobLease {
  readonly #fs: FileSystem;
  readonly #dir: string;
  readonly #path: string;
  readonly #digests = new Set<string>();
  /** The write that makes each digest's protection visible to `gc()`. */
  readonly #written = new Map<string, Promise<void>>();
  /** A write not yet started: digests added now join it. */
  #next: Promise<void> | undefined;
  #last: Promise<void> = Promise.resolve();
  #madeDir = false;
  #released = false;

  /** A lease in the store at `root`; nothing is written before the first `add`. */
  constructor(fs: FileSystem, root: string) {
    this.#fs = fs;
    this.#dir = `${root}/leases`;
    this.#path = `${this.#dir}/${temporaryName()}.json`;
  }

  /**
   * Protects `digest` from garbage collection until the lease is released; resolves once
   * the lease file names it. Digests added while a write runs share the next write.
   */
  add(digest: string): Promise<void> {
    if (this.#released) {
      return Promise.reject(new TypeError("Cannot add to a released blob lease"));
    }
    let written = this.#written.get(digest);
    if (written === undefined) {
      this.#digests.add(digest);
      if (this.#next === undefined) {
        const next = this.#last.catch(() => {}).then(() => {
          this.#next = undefined;
          return this.#write();
        });
        this.#next = this.#last = next;
      }
      written = this.#next;
      this.#written.set(digest, written);
      written.catch(() => this.#written.delete(digest));
    }
    return written;
  }

  /** Ends the lease; its blobs are collectable again if no record references them. */
  async release(): Promise<void> {
    this.#released = true;
    await this.#last.catch(() => {});
    await this.#fs.remove(this.#path);
  }

  /**
   * Replaces the lease file with a rename, so `gc()` reads all of it or the previous one.
   * No flush: a lease only matters while its process runs, and a crash ends it anyway.
   */
  async #write(): Promise<void> {
    if (!this.#madeDir) {
      await this.#fs.mkdir(this.#dir, { recursive: true });
      this.#madeDir = true;
    }
    const temporary = `${this.#path}.tmp-${crypto.randomUUID()}`;
    try {
      await this.#fs.writeFile(temporary, JSON.stringify([...this.#digests]));
      await this.#fs.rename(temporary, this.#path);
    } catch (error) {
      await this.#fs.remove(temporary).catch(() => {});
      throw error;
    }
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
