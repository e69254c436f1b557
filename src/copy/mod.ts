/**
 * The copy engine: {@linkcode copyImage} moves an image, or a whole manifest list, from
 * any transport to any other, skipping blobs the destination has, verifying every blob,
 * changing layer compression where needed and rewriting or converting the manifest only
 * when something changed.
 *
 * {@linkcode copyImage} (also at the package root) takes two `transport:location` strings
 * and the host's defaults; {@linkcode copyBetween} takes references parsed by any
 * transport, the transport context, the transport table and a {@linkcode SourcePolicy}.
 *
 * @example Copy from a registry into an OCI layout, with progress
 * ```ts ignore
 * import { copyImage } from "./mod.ts";
 * const result = await copyImage("docker://alpine:3", "oci:/tmp/alpine:3", {
 *   onProgress: (event) => console.log(event.kind, event.digest, event.bytes),
 * });
 * console.log(result.manifestDigest);
 * ```
 *
 * @example Copy on a file system of your own
 * ```ts ignore
 * import { copyBetween } from "./mod.ts";
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * const fs = new MemoryFileSystem();
 * await copyBetween("docker://alpine:3", "oci:/alpine:3", { context: { fs } });
 * ```
 *
 * @module
 */
export { copyBetween, copyImage } from "./copy_image.ts";
export type {
  CopiedInstance,
  CopyCompressionFormat,
  CopyOptions,
  CopyProgressEvent,
  CopyResult,
  CopySeams,
  SourcePolicy,
} from "./copy_options.ts";

// The types the seams above name, so that this entry documents itself.
export type {
  ArchiveFiles,
  BlobFile,
  BlobInfo,
  BlobWriteOptions,
  ExtractedPayload,
  ImageDestination,
  ImageReference,
  ImageSource,
  LayerCompressionName,
  LayerCompressionWish,
  ListedImage,
  ListPayloadOptions,
  ManifestBytes,
  Transport,
  TransportContext,
} from "../transports/types.ts";
export type { FileInfo, FileSystem, WriteFileOptions } from "../fs/file_system.ts";
export type { TransportTable } from "../transports/transport_table.ts";
export type { Platform, SourceVerification, VerifiedSignatureInfo } from "../types/mod.ts";
