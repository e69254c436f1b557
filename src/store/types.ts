/**
 * The local image store's data model: image records and the store interface the runtime,
 * lookup and the `containers-storage:` transport build on.
 *
 * On disk (see DESIGN.md) the store is also a valid OCI image layout: blobs live at
 * `blobs/sha256/<hex>`, `index.json` names every named image's manifest with an
 * `org.opencontainers.image.ref.name` annotation equal to the full image name, and the
 * image records live in `images.json`, written atomically under a cross-process lock.
 *
 * @module
 */
import type { FileSystem } from "../fs/mod.ts";
import type { Platform, SourceVerification } from "../types/mod.ts";

/** One image (or manifest list) in the store. */
export interface ImageRecord {
  /**
   * The image ID: the hex of the config digest for images; a random 64-hex value for
   * manifest lists (as libimage does).
   */
  id: string;
  /**
   * Full names such as `docker.io/library/alpine:latest` or `quay.io/x/y@sha256:...`;
   * a name belongs to at most one image in the store.
   */
  names: string[];
  /** Every name this image ever had, most recent first (libimage's NamesHistory). */
  namesHistory: string[];
  /**
   * Manifest digests that identify this image; the first is the one reported as its
   * digest: the manifest list it was last pulled through, else its own manifest's.
   */
  digests: string[];
  /** The digest of the manifest stored for this image (the first entry of `digests`). */
  manifestDigest: string;
  /** The media type of that manifest. */
  manifestMediaType: string;
  /** The size of that manifest in bytes (for `index.json`); filled in by the store. */
  manifestSize?: number;
  /** True when this record is a manifest list (its manifest is an index). */
  isManifestList: boolean;
  /** For images: the uncompressed layer digests (config `rootfs.diff_ids`), base first. */
  diffIds: string[];
  /** For images: the layer blob digests as stored, base first. */
  layers: string[];
  /**
   * The image's size as containers/storage (and so podman) counts it: its layers
   * uncompressed plus its config and manifests, the current one twice (a list: its manifest). Records written before uncompressed
   * sizes were known hold the stored (compressed) size until `completeSizes` runs.
   */
  size: number;
  /**
   * For images: the uncompressed size of each layer, aligned with `diffIds`; missing in
   * records written by earlier versions (filled in once, by `completeSizes`).
   */
  diffSizes?: number[];
  /**
   * For images: every manifest this image was pulled, loaded or pushed with, the current
   * one (`manifestDigest`) first; missing in earlier records, which had only that one.
   * Read it through `imageManifests()`.
   */
  manifests?: StoredImageManifest[];
  /**
   * For images: the manifest digest each name was written with (a name keeps resolving
   * to it); a name missing here resolves to `manifestDigest`. Read it through
   * `manifestOfName()`.
   */
  nameDigests?: Record<string, string>;
  /** When the image was created (config `created`), ISO 8601; empty when unknown. */
  created: string;
  /** When the image was added to this store, ISO 8601. */
  added: string;
  /** The platform the image's config declares. */
  platform?: Platform;
  /** Read-only images cannot be removed or untagged. */
  readOnly: boolean;
  /**
   * True while an image is being written or after a write was killed: lookup treats such
   * an image as corrupted and the next pull repairs it.
   */
  incomplete?: boolean;
  /**
   * For manifest lists: where the instances that are not stored locally are read from at
   * push, by instance digest (transport-qualified references, as `manifest add` found them).
   */
  instanceSources?: Record<string, string>;
  /**
   * For manifest lists: the blobs stored for instances no image record holds (an artifact
   * manifest, its config and layers), by instance digest; they are kept (through `gc()`)
   * as long as the list names the instance.
   */
  instanceBlobs?: Record<string, string[]>;
  /**
   * What the signature policy verified when the image was copied in, one entry a source,
   * most recent first (at most {@linkcode MAX_VERIFICATIONS}); missing when no copy of it
   * verified signatures.
   */
  verifications?: SourceVerification[];
}

/** How many verifications a record keeps. */
export const MAX_VERIFICATIONS = 8;

/** One manifest of an image: what a name or a digest of the image resolves to. */
export interface StoredImageManifest {
  /** The manifest's digest (a stored blob). */
  digest: string;
  /** Its media type. */
  mediaType: string;
  /** Its size in bytes. */
  size: number;
  /** The layer blob digests it lists, base first. */
  layers: string[];
}

/** A change to an image's names; the store applies it atomically under its lock. */
export interface NamesChange {
  /** Names to add (moved away from any other image that holds them). */
  add?: string[];
  /** Names to remove. */
  remove?: string[];
}

/** What `check()` finds wrong in a store. */
export interface StoreProblem {
  /** The image concerned, if any. */
  imageId?: string;
  /** The blob concerned, if any. */
  digest?: string;
  /** What is wrong, e.g. "incomplete", "missing blob", "digest mismatch". */
  kind:
    | "incomplete"
    | "missing-blob"
    | "corrupt-blob"
    | "bad-record"
    | "index-out-of-sync"
    | "leftover";
  /** A human description. */
  message: string;
  /** True when the check already repaired it (leftovers of dead processes are removed). */
  repaired?: boolean;
}

/**
 * Something killed or cancelled work left in the store, removed because the process that
 * made it no longer runs.
 */
export interface StoreLeftover {
  /** The path relative to the store root, e.g. `tmp/blob-p4242s918273h1c0ffee5-<uuid>`. */
  path: string;
  /**
   * A temporary file or folder (`tmp/`), a blob lease (`leases/`), or a blob only such a
   * lease kept.
   */
  kind: "temporary" | "lease" | "blob";
  /** The process that left it (not known for blobs). */
  pid?: number;
  /** Its size in bytes (not measured for blobs). */
  size?: number;
}

/** Fields a writer gives when committing an image; the store fills in the rest. */
export interface NewImage {
  /** The image ID (config digest hex, or a random ID for a list). */
  id: string;
  /** The manifest's digest; the manifest blob must already be stored. */
  manifestDigest: string;
  /** The manifest's media type. */
  manifestMediaType: string;
  /** Further digests identifying the image. */
  extraDigests?: string[];
  /**
   * The manifest list the image was chosen from, if any: its digest goes first in
   * `digests`, as the digest podman reports for the image.
   */
  listDigest?: string;
  /** Names to give it (moved away from other images). */
  names?: string[];
  /** Whether this is a manifest list. */
  isManifestList?: boolean;
  /** Layer blob digests, base first (images only). */
  layers?: string[];
  /** Uncompressed layer digests, base first (images only). */
  diffIds?: string[];
  /**
   * The size of everything but the manifests: for an image, its config plus its layers
   * uncompressed (the store adds its manifests); for a list, ignored.
   */
  size?: number;
  /** Uncompressed layer sizes, aligned with `diffIds` (images only). */
  diffSizes?: number[];
  /** Creation time from the config. */
  created?: string;
  /** The config's platform. */
  platform?: Platform;
  /** Mark the image read-only. */
  readOnly?: boolean;
  /** What the signature policy verified of its source (recorded first in `verifications`). */
  verification?: SourceVerification;
}

/**
 * The local image store. All mutations take the store's cross-process lock and write
 * `images.json` (and `index.json`) atomically; readers never see half-written state.
 * Every method reloads the records if another process changed them.
 */
export interface ImageStore {
  /** The store's root directory. */
  readonly root: string;
  /** All image records, in the order they were added. */
  images(): Promise<ImageRecord[]>;
  /** The record with exactly this ID, if any. */
  imageById(id: string): Promise<ImageRecord | undefined>;
  /** The record holding exactly this full name, if any. */
  imageByName(name: string): Promise<ImageRecord | undefined>;
  /** Records whose `digests` include `digest`. */
  imagesByDigest(digest: string): Promise<ImageRecord[]>;
  /**
   * Records holding a name that ends with `suffix` (for short-name lookups); cheaper than
   * `images()` because only the matches are copied.
   */
  imagesWithNameSuffix?(suffix: string): Promise<ImageRecord[]>;
  /** Records whose ID starts with `prefix` (for ID-prefix lookups). */
  imagesByIdPrefix(prefix: string): Promise<ImageRecord[]>;
  /** Tells whether a blob is stored (and, if `size` is given, has that size). */
  hasBlob(digest: string, size?: number): Promise<boolean>;
  /** Streams a stored blob. */
  readBlob(digest: string): Promise<ReadableStream<Uint8Array>>;
  /** Reads a small stored blob (manifest, config) whole. */
  readBlobBytes(digest: string): Promise<Uint8Array>;
  /**
   * Stores a blob: the stream is verified against `digest` (and `size` when >= 0) while
   * written to a temporary file, which is renamed into place only when complete.
   * `options.tap` sees the verified bytes on their way to the file (a failure there also
   * keeps nothing).
   */
  putBlob(
    digest: string,
    size: number,
    stream: ReadableStream<Uint8Array>,
    options?: StorePutBlobOptions,
  ): Promise<void>;
  /**
   * Moves a file whose bytes are known to be blob `digest` (hashed when the file was
   * written, and flushed) into place as that blob: a rename, no byte copied. Resolves to
   * `false`, leaving the file where it is, when it cannot: the file lives on another file
   * system, or is not `file.size` bytes.
   */
  adoptBlob?(
    digest: string,
    file: { fs: FileSystem; path: string; size: number },
  ): Promise<boolean>;
  /**
   * Adds or updates an image record: a record with the same ID gains the new digests and
   * names (libimage's behaviour when re-pulling); names move away from other images.
   */
  commitImage(image: NewImage): Promise<ImageRecord>;
  /** Adds and removes names of an image. */
  changeNames(id: string, change: NamesChange): Promise<ImageRecord>;
  /**
   * Replaces a manifest list's stored manifest (manifest list editing) and, when given,
   * its `instanceSources` and `instanceBlobs`. An image given a list manifest becomes a
   * list wrapping it (its blobs kept as its instance's, its layers and manifests kept).
   */
  replaceManifest(
    id: string,
    manifestDigest: string,
    manifestMediaType: string,
    instanceSources?: Record<string, string>,
    instanceBlobs?: Record<string, string[]>,
  ): Promise<ImageRecord>;
  /**
   * Records the uncompressed layer sizes of an image written before they were known
   * (reading each layer once, verifying it against its diff ID); returns the record, as
   * it was when it had them already. Stores without the capability keep the sizes given.
   */
  completeSizes?(id: string): Promise<ImageRecord>;
  /** Removes an image record; its blobs stay until `gc()`. */
  deleteImage(id: string): Promise<void>;
  /** Tells whether an image's manifest, config and layers are all present and complete. */
  isCorrupted(record: ImageRecord): Promise<boolean>;
  /**
   * Deletes blobs that no record and no live lease references (and stale temporary
   * files); returns their digests.
   */
  gc(): Promise<string[]>;
  /**
   * Starts a lease: blobs added to it survive `gc()` (in any process) until it is
   * released, so a copy in progress keeps the blobs it wrote or reuses before it commits.
   */
  leaseBlobs?(): BlobLeaseHandle;
  /**
   * Finds damage: incomplete records, missing or corrupt blobs, an out-of-sync index; and
   * reports the leftovers of dead processes as it removes them.
   */
  check(options?: { verifyBlobs?: boolean }): Promise<StoreProblem[]>;
  /**
   * Removes the temporary files and blob leases of processes that no longer run (and the
   * blobs only those leases kept); returns what it removed.
   */
  removeLeftovers?(): Promise<StoreLeftover[]>;
  /** Runs `fn` holding the store's lock (re-entrant within one `withLock` call chain). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
}

/**
 * An observer of a blob's bytes on their way to its file: `write` sees each chunk before
 * it is written (the write waits for what it returns), `close` runs after the last chunk
 * and before the file is committed, `abort` when the write fails. A throw (or rejection)
 * fails the write: nothing is kept. Cheaper than a `TransformStream` stage (no stream, no
 * pipe, no queue per chunk).
 */
export interface BlobTap {
  /** Sees `chunk` (not kept after the returned promise, if any, settles). */
  write(chunk: Uint8Array): Promise<void> | void;
  /** The bytes ended; throwing here fails the write. */
  close(): Promise<void> | void;
  /** The write failed with `reason`. */
  abort(reason: unknown): void;
}

/** Options of {@linkcode ImageStore.putBlob}. */
export interface StorePutBlobOptions {
  /** Sees the bytes after the digest check, before the file (e.g. a layer probe). */
  tap?: BlobTap;
  /**
   * The stream errors before its end unless its bytes match the digest and size, so the
   * store need not hash them again. @default false
   */
  verified?: boolean;
}

/** A set of blobs protected from garbage collection while an image is being written. */
export interface BlobLeaseHandle {
  /** Protects `digest` until the lease is released. */
  add(digest: string): Promise<void>;
  /** Ends the protection. */
  release(): Promise<void>;
}

/** Options of garbage collection. */
export interface GcOptions {
  /**
   * Temporary blob files older than this are removed even if their writer still runs.
   * @default 3600000 (one hour)
   */
  tmpMaxAgeMs?: number;
}
