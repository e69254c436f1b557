/**
 * The media types of OCI and Docker image documents and blobs.
 *
 * @module
 */

/**
 * Every media type stevedore knows, by short name.
 *
 * @example
 * ```ts
 * import { MediaType } from "./media_types.ts";
 * console.log(MediaType.OciManifest); // "application/vnd.oci.image.manifest.v1+json"
 * ```
 */
export const MediaType = {
  /** An OCI content descriptor on its own. */
  OciDescriptor: "application/vnd.oci.descriptor.v1+json",
  /** The `oci-layout` file of an OCI image layout. */
  OciLayoutHeader: "application/vnd.oci.layout.header.v1+json",
  /** An OCI image index (a multi-platform list). */
  OciIndex: "application/vnd.oci.image.index.v1+json",
  /** An OCI image manifest. */
  OciManifest: "application/vnd.oci.image.manifest.v1+json",
  /** An OCI image configuration. */
  OciConfig: "application/vnd.oci.image.config.v1+json",
  /** An uncompressed OCI layer. */
  OciLayer: "application/vnd.oci.image.layer.v1.tar",
  /** A gzip-compressed OCI layer. */
  OciLayerGzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  /** A zstd-compressed OCI layer. */
  OciLayerZstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  /** An uncompressed OCI layer that must not be redistributed (deprecated by OCI). */
  OciLayerNondistributable: "application/vnd.oci.image.layer.nondistributable.v1.tar",
  /** A gzip-compressed non-distributable OCI layer (deprecated by OCI). */
  OciLayerNondistributableGzip: "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
  /** A zstd-compressed non-distributable OCI layer (deprecated by OCI). */
  OciLayerNondistributableZstd: "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
  /** The OCI empty JSON blob `{}`, used as the config of artifacts. */
  OciEmpty: "application/vnd.oci.empty.v1+json",
  /** A Docker image manifest, version 2, schema 2. */
  DockerManifest: "application/vnd.docker.distribution.manifest.v2+json",
  /** A Docker manifest list (schema 2). */
  DockerManifestList: "application/vnd.docker.distribution.manifest.list.v2+json",
  /** A Docker image configuration. */
  DockerConfig: "application/vnd.docker.container.image.v1+json",
  /** A Docker plugin configuration. */
  DockerPluginConfig: "application/vnd.docker.plugin.v1+json",
  /** A gzip-compressed Docker layer. */
  DockerLayerGzip: "application/vnd.docker.image.rootfs.diff.tar.gzip",
  /** An uncompressed Docker layer. */
  DockerLayer: "application/vnd.docker.image.rootfs.diff.tar",
  /** A gzip-compressed Docker foreign layer (fetched from its `urls`). */
  DockerForeignLayerGzip: "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
  /** An uncompressed Docker foreign layer. */
  DockerForeignLayer: "application/vnd.docker.image.rootfs.foreign.diff.tar",
  /** An unsigned Docker schema 1 manifest. */
  DockerSchema1: "application/vnd.docker.distribution.manifest.v1+json",
  /** A signed (JWS) Docker schema 1 manifest. */
  DockerSchema1Signed: "application/vnd.docker.distribution.manifest.v1+prettyjws",
} as const;

/** Any of the media types in {@linkcode MediaType}. */
export type KnownMediaType = typeof MediaType[keyof typeof MediaType];

/** The media type of a single-image manifest in schema 2 shape (OCI or Docker). */
export type ImageManifestMediaType = typeof MediaType.OciManifest | typeof MediaType.DockerManifest;

/** The media type of a multi-image document (OCI index or Docker manifest list). */
export type IndexMediaType = typeof MediaType.OciIndex | typeof MediaType.DockerManifestList;

/** The media type of a Docker schema 1 manifest. */
export type Schema1MediaType =
  | typeof MediaType.DockerSchema1
  | typeof MediaType.DockerSchema1Signed;

/** The media type of any manifest document stevedore reads. */
export type ManifestMediaType = ImageManifestMediaType | IndexMediaType | Schema1MediaType;

/** How a layer blob is compressed, as told by its media type. */
export type LayerCompression = "none" | "gzip" | "zstd";

/** Annotation keys with a defined meaning. */
export const Annotation = {
  /** The name (often a tag) of a manifest in an OCI layout's index. */
  RefName: "org.opencontainers.image.ref.name",
  /** When the image was created (RFC 3339). */
  Created: "org.opencontainers.image.created",
  /** The image's base image name. */
  BaseName: "org.opencontainers.image.base.name",
  /** The digest of the image's base image manifest. */
  BaseDigest: "org.opencontainers.image.base.digest",
  /** The full image name buildkit and containerd record in an OCI layout. */
  ContainerdImageName: "io.containerd.image.name",
} as const;
