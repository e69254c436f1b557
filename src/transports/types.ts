/**
 * The transport seam: a {@linkcode Transport} parses the part of `name:rest` after the
 * colon into an {@linkcode ImageReference}, which opens an {@linkcode ImageSource} to read
 * an image or an {@linkcode ImageDestination} to write one. The copy engine knows nothing
 * but these interfaces.
 *
 * What only some transports can do is an optional member (a capability) that callers test
 * for: {@linkcode ImageReference.registryName}, {@linkcode ImageReference.storageNames},
 * {@linkcode ImageReference.withImageName}, {@linkcode ImageReference.withAdditionalTags},
 * {@linkcode ImageReference.withLayerCompression}, {@linkcode ImageReference.layerCompressions},
 * {@linkcode Transport.listFolderImages} and {@linkcode Transport.listArchiveImages} (what a
 * load reads from a folder or an archive); nobody switches on a transport's name or casts to a concrete reference.
 *
 * @module
 */
import type { FileSystem } from "../fs/mod.ts";
import type { Platform, SourceVerification } from "../types/mod.ts";

/** A blob or manifest descriptor as the transports exchange it. */
export interface BlobInfo {
  /** The content digest, `algorithm:hex`. */
  digest: string;
  /** The size in bytes, or -1 when unknown. */
  size: number;
  /** The media type, when known. */
  mediaType?: string;
  /** Download URLs of a foreign layer. */
  urls?: string[];
  /** Descriptor annotations. */
  annotations?: Record<string, string>;
}

/**
 * A blob held as a file that its source owns and may hand over (see
 * {@linkcode ImageSource.blobFile}): exactly the blob's bytes, hashed against its digest
 * when the file was written, and flushed to stable storage.
 */
export interface BlobFile {
  /** The file system holding the file. */
  fs: FileSystem;
  /** The file. */
  path: string;
  /** Its size in bytes. */
  size: number;
  /**
   * What the bytes are once decompressed, when the source learned it while writing the
   * file: the compression they have (`none` for plain bytes), the digest and size of the
   * uncompressed bytes (for a layer: its diff ID and uncompressed size).
   */
  uncompressed?: { compression: "gzip" | "none"; digest: string; size: number };
}

/** A manifest as read from a source: the exact bytes, their media type and digest. */
export interface ManifestBytes {
  /** The manifest exactly as stored or received; never re-serialized. */
  bytes: Uint8Array;
  /** The manifest's media type. */
  mediaType: string;
  /** The digest of `bytes`. */
  digest: string;
}

/** What the platform-, network- and disk-dependent parts of a transport need. */
export interface TransportContext {
  /** The file system for path-based transports. */
  fs: FileSystem;
  /** The `fetch` used for registries and the Docker Engine API. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Environment variables (e.g. `DOCKER_HOST`). @default {} */
  env?: Record<string, string | undefined>;
  /** Whether TLS must be verified for registries; `false` also allows plain HTTP. */
  tlsVerify?: boolean;
  /**
   * The directory of TLS files for every registry (`*.crt` CAs, `NAME.cert` + `NAME.key`
   * client certificate; podman's `--cert-dir`); replaces `certsDirs`. @default none
   */
  certDir?: string;
  /**
   * Directories holding a `HOST[:PORT]` directory of TLS files per registry (certs.d); the
   * first that has the registry's is read. @default none
   */
  certsDirs?: readonly string[];
  /** Cancels everything the transport does. */
  signal?: AbortSignal;
  /** A directory for temporary files of path-based transports. @default the target's folder */
  tmpDir?: string;
  /**
   * Let `oci:` and `oci-archive:` destinations keep uncompressed layers as they are (skopeo's
   * `--dest-oci-accept-uncompressed-layers`, podman save's `--uncompressed`); without it they
   * compress them, as containers/image does. @default false
   */
  ociAcceptUncompressedLayers?: boolean;
  /**
   * Registry destinations upload each blob in `PATCH` chunks of at most this many bytes
   * (raised to the registry's `OCI-Chunk-Min-Length`), for registries and proxies that
   * refuse large request bodies; 0 uploads each blob in one `PUT`. @default 0
   */
  uploadChunkSize?: number;
}

/** A parsed, transport-qualified image location such as `oci:/tmp/layout:app`. */
export interface ImageReference {
  /** The transport this reference belongs to. */
  readonly transport: Transport;
  /** The part after `transport:`, as it would be parsed again. */
  readonly withinTransport: string;
  /**
   * The image name this location carries (a tag in an archive, an OCI ref name that is a
   * valid reference), in full form such as `docker.io/library/alpine:latest`, if any.
   */
  readonly dockerReference: string | undefined;
  /** The full form, `transport:withinTransport`. */
  toString(): string;
  /**
   * Capability of references into a registry (`docker://`): the image's full name, e.g.
   * `docker.io/library/alpine:latest`. A pull then applies registries.conf (mirrors,
   * insecure and blocked registries), the pull policy and the user's credentials.
   */
  readonly registryName?: string;
  /**
   * Capability of locations that name their image (an OCI ref name, the tags inside an
   * archive, a store's name): the full names a copy of the image gets in a local store;
   * `[]` (or no capability) stores it by ID only.
   */
  storageNames?(context: TransportContext): Promise<string[]>;
  /**
   * Capability of destinations that record names (the tags of a `docker-archive:`): the
   * reference that writes the image under `name` (full and tagged) as well, or this one
   * when `name` cannot be recorded.
   */
  withImageName?(name: string): ImageReference;
  /**
   * Capability of destinations that hold further tags of an image (a `docker-archive:`,
   * skopeo's `--additional-tag`): the reference that writes each of `names` (tagged names)
   * as a tag too. Throws an `InvalidReferenceError` for a name without a tag.
   */
  withAdditionalTags?(names: readonly string[]): ImageReference;
  /**
   * Capability of destinations that can store every layer compressed or uncompressed
   * whatever the source's (a `dir:`, skopeo's `--dest-compress` and `--dest-decompress`):
   * the reference that does.
   */
  withLayerCompression?(wish: "compress" | "decompress"): ImageReference;
  /**
   * Capability of destinations that hold only some layer compressions (Docker archives
   * and the Docker Engine read gzip only); absent means any.
   */
  readonly layerCompressions?: readonly LayerCompressionName[];
  /** Opens the image for reading. */
  newSource(context: TransportContext): Promise<ImageSource>;
  /** Opens the location for writing an image. */
  newDestination(context: TransportContext): Promise<ImageDestination>;
}

/** Reads one image (or manifest list) from a location. */
export interface ImageSource {
  /** Where the image is read from. */
  readonly reference: ImageReference;
  /**
   * Reads the top-level manifest, or the manifest with `instanceDigest` that a manifest
   * list at this location refers to.
   */
  getManifest(instanceDigest?: string): Promise<ManifestBytes>;
  /**
   * Streams a blob (config or layer). The bytes are not yet verified: the reader checks
   * them against `blob.digest` and `blob.size`.
   */
  getBlob(blob: BlobInfo, options?: { signal?: AbortSignal }): Promise<ReadableStream<Uint8Array>>;
  /** Releases what the source holds (open files, temporary extractions). */
  close(): Promise<void>;
  /**
   * True when the streams of `getBlob` check themselves: they error at their end if the
   * bytes do not match the blob's digest and size. The copy engine then does not hash
   * them a second time.
   */
  readonly verifiesBlobs?: boolean;
  /**
   * The source an instance of this source's list is really read from, when that is
   * another location (a list whose instances `manifest add` only recorded); the signature
   * policy checks such an instance under that source's reference. @default this source
   */
  instanceSource?(instanceDigest: string): Promise<ImageSource | undefined>;
  /**
   * Capability of sources that retry transient failures themselves (a registry client
   * retries requests and resumes broken bodies): what `getBlob` or its stream still
   * throws is final, and the copy engine does not retry it on top.
   */
  readonly retriesTransientFailures?: boolean;
  /**
   * Capability of sources that know the uncompressed size of a layer (the local store
   * records it): the size of the uncompressed bytes whose digest is `diffId`, or
   * `undefined`. A copy that decompresses the layer then tells the destination the size
   * up front (a tar archive's header needs it before the bytes).
   */
  uncompressedSize?(diffId: string): Promise<number | undefined>;
  /**
   * Capability of sources that hold blobs as private, verified files (an archive a load
   * or a pull from `oci-archive:`/`docker-archive:` extracted): the file of `blob`, which
   * a destination may move into place instead of copying its bytes (the source no longer
   * has it then), or `undefined` when there is none.
   */
  blobFile?(blob: BlobInfo): Promise<BlobFile | undefined>;
}

/** A layer compression by name. */
export type LayerCompressionName = "gzip" | "zstd";

/** Options of {@linkcode ImageDestination.putBlob}. */
export interface BlobWriteOptions {
  /** Cancels the write. */
  signal?: AbortSignal;
  /**
   * The stream checks itself: it errors before its end unless its bytes match the blob's
   * digest and size. @default false
   */
  verified?: boolean;
}

/** How a destination wants layers compressed. */
export type LayerCompressionWish = "preserve" | "compress" | "decompress";

/** Writes one image (or manifest list) into a location; nothing is visible before commit. */
export interface ImageDestination {
  /** Where the image is written. */
  readonly reference: ImageReference;
  /** The manifest media types this destination accepts, preferred first. */
  supportedManifestTypes(): readonly string[];
  /** Whether layers should be compressed, decompressed or kept as they are. */
  desiredLayerCompression(): LayerCompressionWish;
  /** Whether this destination can hold manifest lists (and thus several instances). */
  supportsManifestLists(): boolean;
  /** Tells whether the destination already has `blob`; skipping the copy is then safe. */
  hasBlob(blob: BlobInfo): Promise<boolean>;
  /**
   * Optional: told, before an image's blobs are looked up and written, the ones it is
   * about to look up or write (its config and the layers copied as they are), so that a
   * destination can prepare for all of them at once (the local store leases them in one
   * write, rather than one write each).
   */
  prepareBlobs?(blobs: readonly BlobInfo[]): Promise<void>;
  /**
   * Stores a blob. The destination must not make a blob visible if the stream errors.
   * With `options.verified`, the stream itself errors before its end unless its bytes
   * match `blob.digest` (and `blob.size` when >= 0), so a destination that checks what it
   * stores may skip hashing them again.
   */
  putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options?: BlobWriteOptions,
  ): Promise<void>;
  /**
   * Stores a manifest; with `instanceDigest` it is one instance of a list whose own
   * manifest is stored last, without it.
   */
  putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void>;
  /**
   * Optional: told, before the image's manifest is put, the manifest list a single image
   * was chosen from, so the destination can record the list too (a store then finds the
   * image by the list's digest, as containers/image's storage destination does).
   */
  putSourceList?(list: ManifestBytes): Promise<void>;
  /**
   * Optional: told, before commit, that the manifest put as `manifestDigest` (the top
   * level or an instance) was copied from a source whose signatures the policy verified;
   * a destination that keeps image records (the local store) records it with the image.
   */
  recordVerification?(manifestDigest: string, verification: SourceVerification): void;
  /** Makes everything written visible at once. */
  commit(): Promise<void>;
  /**
   * True when `putBlob` itself checks the digest and size of what it stores and stores
   * nothing on a mismatch; the copy engine then does not hash an unchanged blob twice.
   */
  readonly verifiesBlobs?: boolean;
  /**
   * True when blobs are written one after another into one stream (a tar archive): the
   * copy engine then copies layers one at a time, in manifest order, so the output does
   * not depend on timing.
   */
  readonly writesBlobsInOrder?: boolean;
  /**
   * Capability: stores `file` (see {@linkcode BlobFile}) as `blob` by moving it into
   * place; resolves to `false`, leaving the file where it is, when it cannot (another
   * file system, a layer whose uncompressed digest is unknown), and the bytes are then
   * streamed with {@linkcode ImageDestination.putBlob}.
   */
  putBlobFile?(blob: BlobInfo, file: BlobFile, options?: BlobWriteOptions): Promise<boolean>;
  /** Releases resources; without a prior commit, discards everything written. */
  close(): Promise<void>;
}

/**
 * The files of an archive extracted into a private folder, read by their archive paths
 * (links resolved inside the archive, never outside it).
 */
export interface ArchiveFiles {
  /** The folder holding the extracted files. */
  readonly root: string;
  /** The paths of all regular files, in archive order. */
  files(): string[];
  /** The regular file `path` names (links resolved), or `undefined`. */
  resolve(path: string): string | undefined;
  /** Whether `path` names a regular file (directly or through links). */
  has(path: string): boolean;
  /** The size of the file at `path`; throws an `InvalidArchiveError` when there is none. */
  size(path: string): number;
  /** The `sha256:<hex>` of the file at `path`, if it was hashed while extracted. */
  digestOf(path: string): string | undefined;
  /** The on-disk path of the file at `path`; throws when there is none. */
  realPath(path: string): string;
  /** Reads a small (metadata) file whole; `TooLargeError` above the metadata cap. */
  readFile(path: string): Promise<Uint8Array>;
  /** Streams the file at `path`. */
  open(path: string): Promise<ReadableStream<Uint8Array>>;
  /** Deletes the extracted files. */
  remove(): Promise<void>;
}

/**
 * An archive a load extracted once (see {@linkcode Transport.listArchiveImages}): every
 * file hashed, flushed and counted against the load's byte cap while it was written, and
 * what its bytes decompress to learned in the same pass. The load removes the files when
 * it is done.
 */
export interface ExtractedPayload {
  /** Names the payload in errors: the path it was loaded from, or `-` for a stream. */
  readonly path: string;
  /** The file system holding the extracted files. */
  readonly fs: FileSystem;
  /** The extracted files. */
  readonly files: ArchiveFiles;
  /**
   * The extracted file at the archive path `path` as a {@linkcode BlobFile} a destination
   * may take (with what it decompresses to, when learned), or `undefined` when there is
   * no such file.
   */
  blobFile(path: string): BlobFile | undefined;
  /**
   * Counts `bytes` the reader inflates from the file `path` against the load's byte cap;
   * throws a `TooLargeError` past it.
   */
  countBytes(bytes: number, path: string): void;
}

/** What {@linkcode Transport.listFolderImages} and its archive twin are given. */
export interface ListPayloadOptions {
  /** The transport context the listed references are read with. */
  context: TransportContext;
  /** The platform an index's instance is chosen for. */
  platform: Platform;
}

/** An image a load found in its payload. */
export interface ListedImage {
  /** Reads the image. */
  reference: ImageReference;
  /** The full names (normalized) a copy in a store gets; `[]` stores it by ID. */
  names: string[];
  /**
   * Checks the image against the payload's bytes (digests, sizes, diff IDs) before
   * anything is stored. Absent, the load reads the image once and hashes every blob.
   */
  check?(): Promise<void>;
}

/** A named way of addressing images, such as `oci` or `docker`. */
export interface Transport {
  /** The prefix name, without the colon (`"oci-archive"`). */
  readonly name: string;
  /** Parses the part after `name:`; throws the transport's own error when invalid. */
  parse(withinTransport: string): ImageReference;
  /**
   * Capability of formats a load reads from a folder (an OCI layout, a `dir:` image): the
   * images of the folder at `path`, with the names they carry. Throws when the folder is
   * not of this format.
   */
  listFolderImages?(path: string, options: ListPayloadOptions): Promise<ListedImage[]>;
  /**
   * Capability of archive formats (`oci-archive:`, `docker-archive:`): the images of an
   * archive a load extracted once, with the names they carry. Throws (an
   * `InvalidArchiveError`, `Missing`) when the archive lacks the files that mark this
   * format.
   */
  listArchiveImages?(
    payload: ExtractedPayload,
    options: ListPayloadOptions,
  ): Promise<ListedImage[]>;
}
