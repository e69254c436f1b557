/**
 * Manifest documents: image manifests (OCI and Docker schema 2), indexes and manifest
 * lists, and Docker schema 1 manifests.
 *
 * @module
 */
import type { Descriptor } from "./descriptor.ts";

/**
 * A single-image manifest. OCI image manifests and Docker schema 2 manifests share this
 * shape; Docker ones have no `subject`, `artifactType` or `annotations`.
 */
export interface ImageManifest {
  /** Always `2`. */
  schemaVersion: 2;
  /** The manifest's media type; required by Docker, optional in OCI. */
  mediaType?: string;
  /** The type of an artifact, when the manifest is one. */
  artifactType?: string;
  /** The image configuration blob. */
  config: Descriptor;
  /** The layers, base first. */
  layers: Descriptor[];
  /** The manifest this one refers to (signatures, SBOMs, attestations). */
  subject?: Descriptor;
  /** Arbitrary metadata. */
  annotations?: Record<string, string>;
}

/**
 * A multi-image document: an OCI image index or a Docker manifest list. Docker lists have
 * no `artifactType`, `subject` or `annotations`, and their entries have a platform.
 */
export interface ImageIndex {
  /** Always `2`. */
  schemaVersion: 2;
  /** The index's media type; required by Docker, optional in OCI. */
  mediaType?: string;
  /** The type of an artifact, when the index is one. */
  artifactType?: string;
  /** The manifests (or nested indexes) it lists. */
  manifests: Descriptor[];
  /** The manifest this one refers to. */
  subject?: Descriptor;
  /** Arbitrary metadata. */
  annotations?: Record<string, string>;
}

/** One layer of a Docker schema 1 manifest. */
export interface Schema1FsLayer {
  /** The digest of the (compressed) layer blob. */
  blobSum: string;
}

/** One history entry of a Docker schema 1 manifest. */
export interface Schema1History {
  /** A JSON document (as a string) describing the layer in Docker's v1 image format. */
  v1Compatibility: string;
}

/** One JWS signature of a signed Docker schema 1 manifest. */
export interface Schema1Signature {
  /** The JWS header (key and algorithm). */
  header: Record<string, unknown>;
  /** The signature, base64url. */
  signature: string;
  /** The protected header, base64url JSON with `formatLength` and `formatTail`. */
  protected: string;
}

/**
 * A Docker schema 1 manifest (read only). Layers and history run from the top layer down
 * to the base.
 */
export interface Schema1Manifest {
  /** Always `1`. */
  schemaVersion: 1;
  /** The repository name. */
  name: string;
  /** The tag. */
  tag: string;
  /** The CPU architecture. */
  architecture: string;
  /** The layers, top first. */
  fsLayers: Schema1FsLayer[];
  /** One entry per layer, top first. */
  history: Schema1History[];
  /** The signatures of a signed manifest. */
  signatures?: Schema1Signature[];
}
