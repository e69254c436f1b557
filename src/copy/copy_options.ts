/**
 * The options, progress events and result of {@linkcode copyImage}.
 *
 * @module
 */
import type { TransportTable } from "../transports/transport_table.ts";
import type { ImageSource, ManifestBytes, TransportContext } from "../transports/types.ts";
import type { Platform, SourceVerification } from "../types/mod.ts";

/** One progress report of a copy. */
export interface CopyProgressEvent {
  /** What happened: started, moved bytes, finished, or skipped (the destination has it). */
  kind: "blob-start" | "blob-bytes" | "blob-done" | "blob-skipped";
  /** The digest of the blob as the source has it. */
  digest: string;
  /** The size of the blob as the source has it (-1 when unknown). */
  size: number;
  /** How many bytes of the blob were read from the source so far. */
  bytes: number;
  /** The blob's media type, telling a config from a layer. */
  mediaType: string;
}

/** The layer compression a copy should produce. */
export type CopyCompressionFormat = "gzip" | "zstd";

/** Options of {@linkcode copyImage} and {@linkcode copyBetween}; every one has a default. */
export interface CopyOptions {
  /**
   * Verify TLS for registries; `false` also allows plain HTTP.
   * @default `context.tlsVerify` (see {@linkcode CopySeams}), else true
   */
  tlsVerify?: boolean;
  /**
   * The platform whose instance is copied when the source is a manifest list (ignored
   * with `all`). @default the host's platform (Linux on macOS)
   */
  platform?: Platform;
  /**
   * Copy every instance of a manifest list and the list itself; the list's bytes (and so
   * its digest) are kept when no instance changed. @default false
   */
  all?: boolean;
  /** How many blobs are copied at the same time. @default 6 */
  concurrency?: number;
  /**
   * Recompress layers into this format; `undefined` keeps each layer's compression (unless
   * the destination asks otherwise). @default undefined
   */
  compressionFormat?: CopyCompressionFormat;
  /**
   * The gzip level, 0 (store) to 9 (smallest), of the layers this copy compresses (skopeo's
   * `--dest-compress-level`); layers copied as they are keep their bytes. @default 6
   */
  compressionLevel?: number;
  /** Write the manifest with this exact MIME type, converting it if needed. @default keep */
  manifestType?: string;
  /** Receives progress events, synchronously; it must not throw. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the copy; the destination is closed without a commit. */
  signal?: AbortSignal;
  /** How many times a blob copy is retried after a transient failure. @default 3 */
  retries?: number;
  /** The pause before each retry, in milliseconds. @default 1000 */
  retryDelayMs?: number;
  /** The largest config blob read into memory, in bytes. @default MAX_CONFIG_SIZE (4 MiB) */
  maxConfigSize?: number;
  /**
   * Fail, before anything is committed, when the manifest written would differ from the
   * source's (a conversion or recompression would change its digest). @default false
   */
  preserveDigests?: boolean;
}

/**
 * What a caller that wires its own parts gives {@linkcode copyBetween} besides the
 * {@linkcode CopyOptions}: the transport context, the transport table and a source policy.
 */
export interface CopySeams {
  /**
   * What the transports need, for callers that wire their own: the file system, `fetch`,
   * the environment (e.g. `DOCKER_HOST`), TLS, the temporary directory.
   * @default the host file system, globalThis.fetch and the process environment
   */
  context?: Partial<TransportContext>;
  /** The transports string references are parsed with. @default standardTransports() */
  transports?: TransportTable;
  /**
   * Asked about every source manifest that is copied (the image, or the chosen instance
   * and, with `all`, the list and each instance) before anything of it is read further;
   * it throws to reject the copy. @default none: everything is allowed
   */
  sourcePolicy?: SourcePolicy;
}

/** Decides whether a source image may be copied: the signature policy's seam. */
export interface SourcePolicy {
  /**
   * Resolves when `manifest` of `source` may be copied (with what was verified, when
   * signatures were, for the destination to record); rejects otherwise.
   */
  checkSource(
    source: ImageSource,
    manifest: ManifestBytes,
    context: TransportContext,
  ): Promise<SourceVerification | undefined | void>;
}

/** One copied instance of a manifest list. */
export interface CopiedInstance {
  /** The instance's digest in the source list. */
  sourceDigest: string;
  /** The instance manifest as written to the destination. */
  manifest: ManifestBytes;
}

/** What {@linkcode copyImage} wrote. */
export interface CopyResult {
  /** The digest of the top-level manifest written (the list's when a list was copied). */
  manifestDigest: string;
  /** The top-level manifest written, byte for byte. */
  manifest: ManifestBytes;
  /** The instances written, for a list copied with `all`; empty otherwise. */
  instances: CopiedInstance[];
  /** The digest of the source's top-level manifest. */
  sourceDigest: string;
  /**
   * Whether the manifest written differs from the source's: for a list copied with `all`,
   * the list; otherwise the (chosen instance's) image manifest.
   */
  manifestChanged: boolean;
}
