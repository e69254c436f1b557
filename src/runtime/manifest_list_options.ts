/**
 * The options of the manifest list operations that reach registries.
 *
 * @module
 */
import type { CopyCompressionFormat } from "../copy/mod.ts";
import type { Credentials } from "../config/mod.ts";
import type { ImageSigner } from "../signature/image_signer.ts";

/** Registry access options of the manifest list operations. */
export interface RegistryAccessOptions {
  /** Verify TLS; `false` also allows plain HTTP. @default true (or registries.conf) */
  tlsVerify?: boolean;
  /**
   * A directory of TLS files for every registry (podman's `--cert-dir`).
   * @default certs.d (`HOST[:PORT]` below `$HOME/.config/containers/certs.d`,
   * `/etc/containers/certs.d`, `/etc/docker/certs.d`)
   */
  certDir?: string;
  /** Credentials, `user[:password]` or an object. @default the auth files */
  credentials?: string | Credentials;
  /** The credential file to read. @default the runtime's */
  authFile?: string;
  /** How many times a failed request or blob copy is retried. @default 3 */
  retries?: number;
  /** The pause before a retry, in milliseconds. @default 1000 */
  retryDelayMs?: number;
  /** Cancels the operation. */
  signal?: AbortSignal;
}

/** Options of `ManifestList.push`. */
export interface ManifestListPushOptions extends RegistryAccessOptions {
  /**
   * `system`: only the instance for the runtime's platform, pushed as a single image;
   * `all`: every instance and the list; `specific`: the `instances` and a list naming only
   * them. @default "system"
   */
  selection?: "system" | "all" | "specific";
  /** The instance digests pushed with `selection: "specific"`. @default [] */
  instances?: string[];
  /** Recompress layers into this format. @default keep each layer's */
  compressionFormat?: CopyCompressionFormat;
  /**
   * The manifest MIME type to write; a list type is mapped to its per-instance type for a
   * single image, and an image type to its list type for a list. @default keep
   */
  manifestType?: string;
  /**
   * Sign what is written (the list and each instance, or the single image) with each of
   * these. @default none
   */
  signers?: readonly ImageSigner[];
  /** The identity the signatures claim. @default the destination's name */
  signIdentity?: string;
  /** Upload blobs in chunks of at most this many bytes (see `PushOptions.chunkSize`). */
  chunkSize?: number;
}

/**
 * Options of `ManifestList.addArtifact` (libimage's ManifestListAddArtifactOptions); the
 * registry access options apply to looking up `subject`.
 */
export interface ManifestListAddArtifactOptions extends RegistryAccessOptions {
  /**
   * The artifact manifest's `artifactType`; `""` leaves it out.
   * @default "application/vnd.unknown.artifact.v1"
   */
  type?: string;
  /**
   * The config descriptor's media type. @default the empty descriptor's
   * (`application/vnd.oci.empty.v1+json`), or `application/vnd.oci.image.config.v1+json`
   * with a `config`
   */
  configType?: string;
  /** The config blob's bytes; empty or missing means the empty config `{}`. @default none */
  config?: Uint8Array | string;
  /**
   * The media type of every file's layer. @default guessed from each file's extension,
   * else from its first bytes (`text/plain`, `application/octet-stream`, ...)
   */
  layerType?: string;
  /** Leave out the `org.opencontainers.image.title` annotation of each layer. @default false */
  excludeTitles?: boolean;
  /** Annotations of the artifact manifest. @default none */
  annotations?: Record<string, string>;
  /**
   * An image (a transport reference, a registry image or a local image or list) whose
   * manifest descriptor becomes the artifact manifest's `subject`. @default none
   */
  subject?: string;
}
