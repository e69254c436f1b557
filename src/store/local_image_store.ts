/**
 * The local image store on a {@linkcode FileSystem}: content-addressed blobs, image records
 * in `images.json` and an OCI `index.json`, all written atomically under a cross-process
 * lock. The folder is a valid OCI image layout that skopeo and umoci can read.
 *
 * @module
 */
import { CorruptedError, DigestMismatchError, ImageNotFoundError } from "../errors.ts";
import { type FileSystem, isNotFound, writeFileAtomic } from "../fs/mod.ts";
import {
  adoptStoredBlob,
  hasStoredBlob,
  openStoredBlob,
  readStoredBlob,
  storedBlobSize,
  writeStoredBlob,
} from "./_blobs.ts";
import {
  changeRecordNames,
  checkNewImage,
  commitRecord,
  deleteRecord,
  imageSize,
  replaceRecordManifest,
  setRecordSizes,
} from "./_edits.ts";
import { StoreLock } from "./_lock.ts";
import { writeLayoutMarker } from "./oci_layout.ts";
import { BlobLease } from "./_leases.ts";
import { removeDeadEntries } from "./_leftovers.ts";
import { checkStore, collectGarbage, isRecordCorrupted } from "./_maintenance.ts";
import {
  copyRecord,
  indexGeneration,
  parseRecords,
  RecordIndex,
  serializeOciIndex,
  serializeRecords,
} from "./_records.ts";
import { imageManifests, manifestOfName } from "./image_manifests.ts";
import type {
  BlobLeaseHandle,
  GcOptions,
  ImageRecord,
  ImageStore,
  NamesChange,
  NewImage,
  StoreLeftover,
  StoreProblem,
  StorePutBlobOptions,
} from "./types.ts";

/** The size up to which `index.json` is read whole to check its generation. */
const SMALL_INDEX_BYTES = 64 * 1024;
/** Options of {@linkcode openStore}. */
export interface OpenStoreOptions {
  /** The store's root directory (created when missing). */
  root: string;
  /** The file system the store lives on. */
  fs: FileSystem;
  /** The clock for `added` times. @default () => new Date() */
  now?: () => Date;
  /** How long to wait for the store's lock before failing. @default 30000 */
  lockTimeoutMs?: number;
}

/** The state one process keeps per store (shared by every store object on the same root). */
interface SharedState {
  lock: StoreLock;
  index: RecordIndex;
  generation: number;
  problems: StoreProblem[];
  /** `mtimeMs:size` of the `images.json` loaded, or "" when there was none. */
  stamp: string | undefined;
}

const states = new WeakMap<FileSystem, Map<string, SharedState>>();

function normalizeRoot(root: string): string {
  if (typeof root !== "string" || root === "") throw new TypeError("The store root is required");
  return root.length > 1 ? root.replace(/\/+$/, "") : root;
}

function sharedState(fs: FileSystem, root: string, lockTimeoutMs: number): SharedState {
  let byRoot = states.get(fs);
  if (byRoot === undefined) states.set(fs, byRoot = new Map());
  let state = byRoot.get(root);
  if (state === undefined) {
    state = {
      lock: new StoreLock(fs, root, lockTimeoutMs),
      index: new RecordIndex([]),
      generation: 0,
      problems: [],
      stamp: undefined,
    };
    byRoot.set(root, state);
  }
  return state;
}

/**
 * Opens (creating if needed) the store at `options.root`: makes the layout folders,
 * removes what processes that no longer run left in `tmp/` and `leases/`, loads the
 * records and repairs an `index.json` left behind by a crash.
 */
export async function openStore(options: OpenStoreOptions): Promise<LocalImageStore> {
  const store = new LocalImageStore(options);
  await store.initialize();
  return store;
}

/** An {@linkcode ImageStore} on a {@linkcode FileSystem}. Create it with {@linkcode openStore}. */
export class LocalImageStore implements ImageStore {
  /** The store's root directory. */
  readonly root: string;
  readonly #fs: FileSystem;
  readonly #now: () => Date;
  readonly #state: SharedState;

  /** Builds the store object; call {@linkcode initialize} (or use `openStore`) before use. */
  constructor(options: OpenStoreOptions) {
    this.root = normalizeRoot(options.root);
    this.#fs = options.fs;
    this.#now = options.now ?? (() => new Date());
    this.#state = sharedState(this.#fs, this.root, options.lockTimeoutMs ?? 30_000);
  }

  /**
   * Creates the layout folders and files, removes the leftovers of dead processes, loads
   * the records, re-syncs `index.json`.
   */
  async initialize(): Promise<void> {
    const fs = this.#fs;
    await fs.mkdir(`${this.root}/blobs/sha256`, { recursive: true });
    await fs.mkdir(`${this.root}/tmp`, { recursive: true });
    await this.removeLeftovers();
    const marked = await this.#exists(`${this.root}/oci-layout`);
    await this.#refresh();
    // A fresh store gets its marker and first index under one lock.
    if (!marked || !await this.#indexInSync()) {
      await this.withLock(async () => {
        if (!marked) await writeLayoutMarker(fs, this.root);
        await this.#refresh();
        if (!await this.#indexInSync()) await this.#writeIndex();
      });
    }
  }

  /** All image records, in the order they were added. */
  async images(): Promise<ImageRecord[]> {
    return (await this.#current()).records.map(copyRecord);
  }

  /** Records holding a name that ends with `suffix`; only the matches are copied. */
  async imagesWithNameSuffix(suffix: string): Promise<ImageRecord[]> {
    return (await this.#current()).records
      .filter((record) => record.names.some((name) => name.endsWith(suffix)))
      .map(copyRecord);
  }

  /** The record with exactly this ID, if any. */
  async imageById(id: string): Promise<ImageRecord | undefined> {
    const record = (await this.#current()).byId(id);
    return record && copyRecord(record);
  }

  /** The record holding exactly this full name, if any. */
  async imageByName(name: string): Promise<ImageRecord | undefined> {
    const record = (await this.#current()).byName(name);
    return record && copyRecord(record);
  }

  /** Records whose `digests` include `digest`. */
  async imagesByDigest(digest: string): Promise<ImageRecord[]> {
    return (await this.#current()).byDigest(digest).map(copyRecord);
  }

  /** Records whose ID starts with `prefix`. */
  async imagesByIdPrefix(prefix: string): Promise<ImageRecord[]> {
    if (prefix === "") return [];
    return (await this.#current()).byIdPrefix(prefix).map(copyRecord);
  }

  /** Tells whether a blob is stored (and, if `size` is given, has that size). */
  hasBlob(digest: string, size?: number): Promise<boolean> {
    return hasStoredBlob(this.#fs, this.root, digest, size);
  }

  /** Streams a stored blob; a missing one throws `BlobUnknownError`. */
  readBlob(digest: string): Promise<ReadableStream<Uint8Array>> {
    return openStoredBlob(this.#fs, this.root, digest);
  }

  /** Reads a small stored blob whole; a missing one throws `BlobUnknownError`. */
  readBlobBytes(digest: string): Promise<Uint8Array> {
    return readStoredBlob(this.#fs, this.root, digest);
  }

  /**
   * Stores a blob, verified against `digest` (and `size` when >= 0) while written, shown
   * to `options.tap` after the check.
   */
  putBlob(
    digest: string,
    size: number,
    stream: ReadableStream<Uint8Array>,
    options: StorePutBlobOptions = {},
  ): Promise<void> {
    return writeStoredBlob(this.#fs, this.root, digest, size, stream, options);
  }

  /** Moves a file known to hold blob `digest` into place (see `ImageStore.adoptBlob`). */
  adoptBlob(
    digest: string,
    file: { fs: FileSystem; path: string; size: number },
  ): Promise<boolean> {
    return adoptStoredBlob(this.#fs, this.root, digest, file);
  }

  /** Adds or merges an image record; its manifest blob must be stored already. */
  commitImage(image: NewImage): Promise<ImageRecord> {
    checkNewImage(image);
    return this.#mutate(async (records) => {
      const manifestSize = await this.#requireBlob(image.manifestDigest, image.id);
      return commitRecord(records, image, { now: this.#now().toISOString(), manifestSize });
    });
  }

  /** Adds and removes names of an image (added names move away from other images). */
  changeNames(id: string, change: NamesChange): Promise<ImageRecord> {
    return this.#mutate((records) => Promise.resolve(changeRecordNames(records, id, change)));
  }

  /** Points a record at another stored manifest (manifest list editing). */
  replaceManifest(
    id: string,
    manifestDigest: string,
    manifestMediaType: string,
    instanceSources?: Record<string, string>,
    instanceBlobs?: Record<string, string[]>,
  ): Promise<ImageRecord> {
    return this.#mutate(async (records) => {
      const size = await this.#requireBlob(manifestDigest, id);
      return replaceRecordManifest(
        records,
        id,
        manifestDigest,
        manifestMediaType,
        size,
        instanceSources,
        instanceBlobs,
      );
    });
  }

  /**
   * Records the uncompressed layer sizes of an image stored without them: each layer
   * not known from another image is read once and checked against its diff ID.
   */
  async completeSizes(id: string): Promise<ImageRecord> {
    const index = await this.#current();
    const record = index.byId(id);
    if (record === undefined) throw new ImageNotFoundError(id);
    if (record.isManifestList || record.diffSizes !== undefined) return copyRecord(record);
    if (record.diffIds.length !== record.layers.length) {
      throw new CorruptedError(
        id,
        `${record.layers.length} layers but ${record.diffIds.length} diff IDs`,
      );
    }
    const known = new Map<string, number>();
    for (const other of index.records) {
      other.diffSizes?.forEach((size, i) => known.set(other.diffIds[i], size));
    }
    const diffSizes: number[] = [];
    for (const [i, layer] of record.layers.entries()) {
      const diffId = record.diffIds[i];
      let size = diffId === undefined ? undefined : known.get(diffId);
      if (size === undefined) {
        const { probeStoredLayer } = await import("./layer_probe.ts");
        const facts = await probeStoredLayer(this, layer);
        if (diffId !== undefined && facts.diffId !== diffId) {
          throw new DigestMismatchError(
            `layer ${layer} of image ${id}`,
            diffId,
            facts.diffId,
            facts.size,
          );
        }
        size = facts.size;
      }
      diffSizes.push(size);
    }
    let base = (await storedBlobSize(this.#fs, this.root, `sha256:${id}`)) ?? 0;
    base += diffSizes.reduce((sum, size) => sum + size, 0);
    const manifests = imageManifests(record);
    for (const manifest of manifests) {
      if (manifest.size < 0) {
        manifest.size = await storedBlobSize(this.#fs, this.root, manifest.digest) ?? 0;
      }
    }
    const size = imageSize(base, manifests);
    return await this.#mutate((records) =>
      Promise.resolve(setRecordSizes(records, id, record.diffIds, diffSizes, size))
    );
  }

  /** Removes an image record; its blobs stay until `gc()`. */
  async deleteImage(id: string): Promise<void> {
    await this.#mutate((records) => {
      const next = deleteRecord(records, id);
      return Promise.resolve({ records: next, record: undefined });
    });
  }

  /** Whether the image is incomplete or misses its manifest, config or a layer blob. */
  isCorrupted(record: ImageRecord): Promise<boolean> {
    return isRecordCorrupted(this.#fs, this.root, record);
  }

  /**
   * Deletes blobs no record or live lease references, temporary files of dead writers or older than
   * `options.tmpMaxAgeMs`, and leftovers of interrupted writes; returns the blob digests.
   */
  gc(options: GcOptions = {}): Promise<string[]> {
    return this.withLock(async () => {
      await this.#refresh();
      return await collectGarbage(this.#fs, this.root, this.#state.index.records, options);
    });
  }

  /** Starts a lease that keeps the blobs added to it through `gc()` until released. */
  leaseBlobs(): BlobLeaseHandle {
    return new BlobLease(this.#fs, this.root);
  }

  /**
   * Removes the temporary files (`tmp/`) and blob leases (`leases/`) of processes that no
   * longer run on this host; when a lease went, also the blobs nothing else needs (a
   * `gc()`). Entries of live processes and of other hosts stay. Returns what went.
   */
  async removeLeftovers(): Promise<StoreLeftover[]> {
    const removed = await removeDeadEntries(this.#fs, this.root);
    if (removed.some((leftover) => leftover.kind === "lease")) {
      for (const digest of await this.gc()) {
        const [algorithm, hex] = digest.split(":");
        removed.push({ path: `blobs/${algorithm}/${hex}`, kind: "blob" });
      }
    }
    return removed;
  }

  /**
   * Finds damage: incomplete records, missing or corrupt blobs, an out-of-sync index; and
   * removes the leftovers of dead processes, each reported as a repaired problem.
   */
  async check(options: { verifyBlobs?: boolean } = {}): Promise<StoreProblem[]> {
    const problems: StoreProblem[] = (await this.removeLeftovers()).map((leftover) => ({
      kind: "leftover",
      ...(leftover.kind === "blob" ? { digest: leftover.path.slice(6).replace("/", ":") } : {}),
      message: leftover.kind === "blob"
        ? `Removed ${leftover.path}, which only a dead writer needed`
        : `Removed ${leftover.path}, left by process ${leftover.pid}, which no longer runs`,
      repaired: true,
    }));
    const index = await this.#current();
    problems.push(...this.#state.problems);
    problems.push(...await checkStore(this.#fs, this.root, index.records, options));
    const expected = await this.#indexText();
    let actual: string | undefined;
    try {
      actual = await this.#fs.readTextFile(`${this.root}/index.json`);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    if (actual !== expected) {
      problems.push({
        kind: "index-out-of-sync",
        message: "index.json does not list exactly the named images of images.json",
      });
    }
    return problems;
  }

  /** Runs `fn` holding the store's lock (re-entrant within one call chain). */
  withLock<T>(fn: () => Promise<T>): Promise<T> {
    return this.#state.lock.run(fn);
  }

  // --- internals ---------------------------------------------------------------------

  async #exists(path: string): Promise<boolean> {
    try {
      await this.#fs.stat(path);
      return true;
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
  }

  /** The records, reloaded first if `images.json` changed. */
  async #current(): Promise<RecordIndex> {
    await this.#refresh();
    return this.#state.index;
  }

  /** Reloads `images.json` when its modification time or size differ from the last load. */
  async #refresh(): Promise<void> {
    const path = `${this.root}/images.json`;
    let stamp = "";
    try {
      const info = await this.#fs.stat(path);
      stamp = `${info.mtimeMs}:${info.size}`;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    const state = this.#state;
    if (stamp === state.stamp) return;
    if (stamp === "") {
      Object.assign(state, { index: new RecordIndex([]), generation: 0, problems: [], stamp });
      return;
    }
    let text: string;
    try {
      text = await this.#fs.readTextFile(path);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      return await this.#refresh();
    }
    const loaded = parseRecords(text, path);
    state.index = new RecordIndex(loaded.records);
    state.generation = loaded.generation;
    state.problems = loaded.problems;
    state.stamp = stamp;
  }

  /** Edits the records under the lock and writes `images.json`, then `index.json`. */
  #mutate<R>(
    edit: (records: readonly ImageRecord[]) => Promise<{ records: ImageRecord[]; record: R }>,
  ): Promise<R> {
    return this.withLock(async () => {
      await this.#refresh();
      const { records, record } = await edit(this.#state.index.records);
      const generation = this.#state.generation + 1;
      await writeFileAtomic(
        this.#fs,
        `${this.root}/images.json`,
        serializeRecords(generation, records),
      );
      this.#state.index = new RecordIndex(records);
      this.#state.generation = generation;
      this.#state.problems = [];
      // Nobody else writes while we hold the lock: remember our file without re-reading it.
      const info = await this.#fs.stat(`${this.root}/images.json`);
      this.#state.stamp = `${info.mtimeMs}:${info.size}`;
      await this.#writeIndex();
      return record;
    });
  }

  /** The size of blob `digest`, which must be stored. */
  async #requireBlob(digest: string, id: string): Promise<number> {
    const size = await storedBlobSize(this.#fs, this.root, digest);
    if (size === undefined) {
      throw new CorruptedError(id, `the manifest blob ${digest} is not stored`);
    }
    return size;
  }

  async #indexText(): Promise<string> {
    const records = this.#state.index.records;
    const sizes = new Map<string, number>();
    for (const record of records) {
      for (const name of record.names) {
        const manifest = manifestOfName(record, name);
        if (manifest.size >= 0 || sizes.has(manifest.digest)) continue;
        sizes.set(manifest.digest, await storedBlobSize(this.#fs, this.root, manifest.digest) ?? 0);
      }
    }
    return serializeOciIndex(this.#state.generation, records, (d) => sizes.get(d) ?? 0);
  }

  async #writeIndex(): Promise<void> {
    await writeFileAtomic(this.#fs, `${this.root}/index.json`, await this.#indexText());
  }

  /** Whether `index.json` was built from the loaded generation of `images.json`. */
  async #indexInSync(): Promise<boolean> {
    const path = `${this.root}/index.json`;
    let stream: ReadableStream<Uint8Array>;
    try {
      // A small index is read whole: setting up a stream costs a process more (Deno and Node
      // build their Web Streams on first use) than reading a few KiB.
      if ((await this.#fs.stat(path)).size <= SMALL_INDEX_BYTES) {
        return indexGeneration(await this.#fs.readTextFile(path)) === this.#state.generation;
      }
      stream = await this.#fs.openRead(path);
    } catch (error) {
      if (isNotFound(error)) return false;
      throw error;
    }
    const reader = stream.getReader();
    let head = "";
    const decoder = new TextDecoder();
    while (head.length < 512) {
      const next = await reader.read();
      if (next.done) break;
      head += decoder.decode(next.value, { stream: true });
    }
    await reader.cancel().catch(() => {});
    return indexGeneration(head) === this.#state.generation;
  }
}
