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
