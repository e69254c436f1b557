/**
 * Copying an image from any transport to any other, as `skopeo copy` does: each registry
 * side gets registries.conf (mirrors, insecure and blocked registries), its own
 * credentials and TLS setting; the signature policy checks the source; signatures move
 * with the image between registries and new ones are added (`copySignedImage`).
 *
 * @module
 */
import type { CopyCompressionFormat, CopyProgressEvent, CopyResult } from "../copy/mod.ts";
import { certsDirTls } from "../config/certs_dir.ts";
import { UnsupportedTransportError } from "../errors.ts";
import { parseNormalizedName } from "../reference/mod.ts";
import type { ImageSigner } from "../signature/image_signer.ts";
import type { ImageReference } from "../transports/types.ts";
import { transportContext } from "./_pull_copy.ts";
import {
  credentialSource,
  explicitCredentials,
  registryReference,
  registryTimeouts,
} from "./_pull_credentials.ts";
import type { OperationContext } from "./context.ts";
import type { CredentialOptions, RegistryTimeoutOptions } from "./pull_options.ts";

/** Options of {@linkcode Runtime.copy}. */
export interface ImageCopyOptions extends RegistryTimeoutOptions {
  /** How the source's registry is reached (ignored for other transports). */
  source?: CredentialOptions & {
    /** Send no credentials at all (`--src-no-creds`). @default false */
    anonymous?: boolean;
    /**
     * The folder of this side's registry certificates (`--src-cert-dir`: `*.crt` CAs, a
     * `NAME.cert` + `NAME.key` client certificate), instead of certs.d. @default certs.d
     */
    certDir?: string;
    /**
     * Verify TLS; `false` also allows plain HTTP. @default registries.conf's `insecure`,
     * else true
     */
    tlsVerify?: boolean;
  };
  /** How the destination's registry is reached, as for `source`. */
  destination?: ImageCopyOptions["source"];
  /** Copy every instance of a manifest list and the list itself. @default false */
  all?: boolean;
  /** Write the manifest with this MIME type, converting it if needed. @default keep */
  manifestType?: string;
  /** Recompress layers into this format. @default keep each layer's */
  compressionFormat?: CopyCompressionFormat;
  /** The gzip level (0-9) of the layers the copy compresses (`--dest-compress-level`). @default 6 */
  compressionLevel?: number;
  /** How many layers are copied at the same time (`--image-parallel-copies`). @default 6 */
  concurrency?: number;
  /**
   * Further tags of the image in a `docker-archive:` destination (`--additional-tag`):
   * tagged names. Other destinations refuse them. @default none
   */
  additionalTags?: readonly string[];
  /**
   * Store every layer of a `dir:` destination compressed or uncompressed
   * (`--dest-compress`, `--dest-decompress`). Other destinations refuse it.
   * @default keep each layer's
   */
  dirLayers?: "compress" | "decompress";
  /**
   * Let an `oci:` or `oci-archive:` destination keep uncompressed layers as they are
   * (`--dest-oci-accept-uncompressed-layers`); without it they are compressed. @default false
   */
  ociAcceptUncompressedLayers?: boolean;
  /** Fail, with nothing committed, when the manifest's digest would change. @default false */
  preserveDigests?: boolean;
  /** Do not copy the source's signatures. @default false */
  removeSignatures?: boolean;
  /** Sign the manifest written with each of these. @default none */
  signers?: readonly ImageSigner[];
  /** The identity new signatures claim. @default the destination's name */
  signIdentity?: string;
  /** Skip the signature policy (`--insecure-policy`). @default false */
  insecurePolicy?: boolean;
  /** How many times a failed transfer is retried. @default 3 */
  retries?: number;
  /** The pause before a retry, in milliseconds. @default 1000 */
  retryDelayMs?: number;
  /** Receives copy progress. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the copy. */
  signal?: AbortSignal;
}

/** How one side of a copy reaches its registry (ignored for other transports). */
export type CopyEndpointOptions = NonNullable<ImageCopyOptions["source"]>;

/**
 * Parses one side of a copy, which must be `transport:details`.
 * @throws {UnsupportedTransportError} naming the side when there is no known transport.
 */
function parseSide(ctx: OperationContext, side: string, input: string): ImageReference {
  const colon = input.indexOf(":");
  const name = colon <= 0 ? "" : input.slice(0, colon);
  const transport = ctx.transports.get(name);
  if (transport === undefined) {
    const why = name === ""
      ? "expected colon-separated transport:reference"
      : `unknown transport "${name}"`;
    throw new UnsupportedTransportError(input, `invalid ${side} name: ${why}`);
  }
  // `docker:` without `//` is no transport for a pull, but here the transport's own error.
  return ctx.transports.parse(input) ?? transport.parse(input.slice(colon + 1));
}

/**
 * `reference` with `options.additionalTags`, which only a `docker-archive:` destination
 * holds (skopeo gives them to that transport alone; here others refuse them).
 */
function withAdditionalTags(
  reference: ImageReference,
  options: ImageCopyOptions,
): ImageReference {
  const tags = options.additionalTags ?? [];
  if (tags.length === 0) return reference;
  if (reference.withAdditionalTags === undefined) {
    throw new UnsupportedTransportError(
      reference.toString(),
      "additional tags are written to docker-archive destinations only",
    );
  }
  return reference.withAdditionalTags(tags);
}

/** `reference` with `options.dirLayers`, which only a `dir:` destination takes. */
function withDirLayers(reference: ImageReference, options: ImageCopyOptions): ImageReference {
  const wish = options.dirLayers;
  if (wish === undefined) return reference;
  if (wish !== "compress" && wish !== "decompress") {
    throw new TypeError(`Unknown dirLayers "${wish}": expected "compress" or "decompress"`);
  }
  if (reference.withLayerCompression === undefined) {
    throw new UnsupportedTransportError(
      reference.toString(),
      "layers are compressed or decompressed on request for dir: destinations only",
    );
  }
  return reference.withLayerCompression(wish);
}

/** A registry reference gets registries.conf, the side's credentials and TLS setting. */
function configure(
  ctx: OperationContext,
  reference: ImageReference,
  side: CopyEndpointOptions,
  options: ImageCopyOptions,
): ImageReference {
  if (reference.registryName === undefined) return reference;
  const name = parseNormalizedName(reference.registryName);
  const explicit = explicitCredentials(side);
  const credentials = side.anonymous ? () => undefined : credentialSource(
    explicit,
    side.authFile === undefined ? ctx.credentials : { ...ctx.credentials, authFile: side.authFile },
    name,
  );
  return registryReference(name, {
    conf: ctx.registriesConf,
    credentials,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    tlsVerify: side.tlsVerify,
    tls: side.certDir === undefined ? undefined : certsDirTls(ctx.fs, { certDir: side.certDir }),
    ...registryTimeouts(options),
  });
}

/**
 * Copies the image at `source` to `destination`, both `transport:details`
 * (`docker://`, `oci:`, `oci-archive:`, `docker-archive:`, `dir:`, `docker-daemon:`,
 * `containers-storage:` in this runtime's store), and returns what was written.
 *
 * @example
 * ```ts ignore
 * const result = await copy(ctx, "docker://quay.io/app:1", "oci:/tmp/app:1");
 * ```
 *
 * @throws {UnsupportedTransportError} when a side has no known transport.
 * @throws {ImageRejectedError} when the signature policy rejects the source.
 * @throws {ManifestConversionError} with `preserveDigests`, when the manifest would change.
 * @throws {SignatureError} when signatures cannot move with the image.
 */
export async function copy(
  ctx: OperationContext,
  source: string,
  destination: string,
  options: ImageCopyOptions = {},
): Promise<CopyResult> {
  const from = parseSide(ctx, "source", source);
  const to = withDirLayers(
    withAdditionalTags(parseSide(ctx, "destination", destination), options),
    options,
  );
  const src = configure(ctx, from, options.source ?? {}, options);
  const dest = configure(ctx, to, options.destination ?? {}, options);
  if (ctx.signatures === undefined) {
    throw new TypeError("Cannot copy: the runtime has no signature locations");
  }
  const { copySignedImage } = await import("../trust/copy_signed_image.ts");
  return await copySignedImage(src, dest, {
    context: transportContext(ctx, options),
    transports: ctx.transports,
    signatureLocations: ctx.signatures,
    sourcePolicy: options.insecurePolicy ? undefined : await ctx.trust?.(),
    platform: ctx.platform,
    all: options.all,
    manifestType: options.manifestType,
    compressionFormat: options.compressionFormat,
    compressionLevel: options.compressionLevel,
    concurrency: options.concurrency,
    preserveDigests: options.preserveDigests,
    removeSignatures: options.removeSignatures,
    signers: options.signers,
    signIdentity: options.signIdentity,
    onProgress: options.onProgress,
    signal: options.signal,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });
}
