/**
 * The storage behind the OCI distribution endpoint: blobs by digest, manifests by
 * repository and tag or digest, and upload sessions. The HTTP routes are written once over
 * this interface; the local store and an in-memory variant implement it.
 *
 * @module
 */

/** A manifest as the registry keeps it: exact bytes, media type and digest. */
export interface StoredManifest {
  /** The manifest exactly as pushed. */
  bytes: Uint8Array;
  /** The media type it was pushed with. */
  mediaType: string;
  /** `sha256:<hex>` of `bytes`. */
  digest: string;
}

/** An upload in progress: bytes are appended, then committed under their digest. */
export interface UploadSession {
  /** The session's identifier, used in upload URLs. */
  readonly id: string;
  /** The repository the blob is uploaded into. */
  readonly repository: string;
  /** Bytes received so far. */
  readonly size: number;
  /** Appends a chunk of the blob. */
  append(stream: ReadableStream<Uint8Array>): Promise<void>;
  /**
   * Verifies the received bytes against `digest` and stores them as a blob of the
   * repository; rejects with `DigestMismatchError` if they differ.
   */
  commit(digest: string): Promise<void>;
  /** Drops the received bytes. */
  cancel(): Promise<void>;
}

/** Everything the distribution routes need from a registry's storage. */
export interface RegistryStorage {
  /** The size of a blob the repository can serve, or `undefined` when it has none. */
  blobSize(repository: string, digest: string): Promise<number | undefined>;
  /** Streams a blob from `offset` (default 0). */
  readBlob(
    repository: string,
    digest: string,
    offset?: number,
  ): Promise<ReadableStream<Uint8Array>>;
  /** Makes a blob known to `repository` if it exists in `fromRepository`; tells whether it did. */
  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean>;
  /** Forgets a blob in `repository`; tells whether it was there. */
  deleteBlob(repository: string, digest: string): Promise<boolean>;
  /** Starts an upload into `repository`. */
  startUpload(repository: string): Promise<UploadSession>;
  /** Finds a running upload. */
  findUpload(repository: string, id: string): Promise<UploadSession | undefined>;
  /** Reads a manifest by tag or digest. */
  getManifest(repository: string, reference: string): Promise<StoredManifest | undefined>;
  /** Stores a manifest under its digest and, when `reference` is a tag, under that tag. */
  putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string>;
  /** Deletes a manifest (by digest: with every tag on it; by tag: just the tag). */
  deleteManifest(repository: string, reference: string): Promise<boolean>;
  /** The repository's tags, sorted. */
  listTags(repository: string): Promise<string[] | undefined>;
  /** All repositories, sorted. */
  listRepositories(): Promise<string[]>;
}
