/**
 * Pushing a local image (libimage's `Push`) to a registry or any other transport, with
 * a `push` event written after the lookup even when the push failed.
 *
 * @module
 */
import { copyBetween, type CopyCompressionFormat, type CopyProgressEvent } from "../copy/mod.ts";
import { InvalidReferenceError } from "../errors.ts";
import { parseNormalizedName } from "../reference/mod.ts";
import type { ImageReference } from "../transports/types.ts";
import { MediaType } from "../types/mod.ts";
import type { ImageSigner } from "../signature/image_signer.ts";
import { checkSignable, signImage } from "../trust/mod.ts";
import type { CredentialOptions, RegistryTimeoutOptions } from "./pull_options.ts";
import {
  credentialSource,
  explicitCredentials,
  registryReference,
  registryTimeouts,
} from "./_pull_credentials.ts";
import type { OperationContext } from "./context.ts";
import { transportContext } from "./_pull_copy.ts";

/** Options of {@linkcode push}. */
export interface PushOptions extends CredentialOptions, RegistryTimeoutOptions {
  /** Recompress layers into this format (dropped when the destination needs gzip). */
  compressionFormat?: CopyCompressionFormat;
  /**
   * The gzip level, 0 (store) to 9 (smallest), of the layers the push compresses (an
   * uncompressed stored layer, a recompression); libimage's `CompressionLevel`. @default 6
   */
  compressionLevel?: number;
  /** Write the manifest with this exact MIME type. @default keep */
  manifestType?: string;
  /** Verify TLS; `false` also allows plain HTTP. @default true */
  tlsVerify?: boolean;
  /**
   * A directory of TLS files for every registry (podman's `--cert-dir`): `*.crt` CA
   * certificates, `NAME.cert` + `NAME.key` client certificate.
   * @default certs.d: `HOST[:PORT]` in `$HOME/.config/containers/certs.d`,
   * `/etc/containers/certs.d` or `/etc/docker/certs.d`, the first that exists
   */
  certDir?: string;
  /**
   * Upload each blob to a registry in chunks of at most this many bytes (raised to the
   * registry's `OCI-Chunk-Min-Length`), for registries and proxies that refuse large
   * request bodies; 0 uploads each blob in one request. @default 0
   */
  chunkSize?: number;
  /** How many times a failed transfer is retried. @default 3 */
  retries?: number;
  /** The pause before a retry, in milliseconds. @default 1000 */
  retryDelayMs?: number;
  /** Receives copy progress. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Cancels the push. */
  signal?: AbortSignal;
  /**
   * Sign the manifest written with each of these (`openpgpSigner`, `gpgSigner`,
   * `sigstoreSigner`); signatures go to the lookaside staging or sigstore attachments
   * that registries.d names. @default none
   */
  signers?: readonly ImageSigner[];
  /** The identity the signatures claim. @default the destination's name */
  signIdentity?: string;
  /**
   * Do not copy the source's signatures. Local images carry none, so this changes
   * nothing here; it is accepted as podman accepts it. @default false
   */
  removeSignatures?: boolean;
}

/** The destination reference: transport-qualified, or a registry name (`docker://`). */
function destinationReference(
  ctx: OperationContext,
  destination: string,
  options: PushOptions,
): ImageReference {
  const parsed = ctx.transports.parse(destination);
  if (parsed !== undefined && parsed.registryName === undefined) return parsed;
  const name = destination.startsWith("docker://") ? destination.slice(9) : destination;
  const candidate = parseNormalizedName(name);
  const tagged = candidate.digest === undefined ? candidate.tagNameOnly() : candidate;
  return registryReference(tagged, {
    conf: ctx.registriesConf,
    credentials: credentialSource(explicitCredentials(options), ctx.credentials, tagged),
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
    ...registryTimeouts(options),
  });
}

/**
 * Whether the destination cannot hold the layer compression asked for (Docker archives
 * and the Docker Engine read gzip only; so does a Docker schema 2 manifest).
 */
function cannotHold(
  reference: ImageReference,
  compression: CopyCompressionFormat,
  manifestType: string | undefined,
): boolean {
  if (manifestType === MediaType.DockerManifest && compression !== "gzip") return true;
  return reference.layerCompressions !== undefined &&
    !reference.layerCompressions.includes(compression);
}

/**
 * Pushes the local image `source` to `destination` and returns the digest of the manifest
 * written. An empty destination means the image's resolved name; a destination without a
 * transport is a registry name (`docker://`). Credentials, TLS and retries work as for
 * pulls; a `docker-archive:` destination gets the resolved name as a tag.
 *
 * @example
 * ```ts ignore
 * const digest = await push(ctx, "alpine", "registry.example/team/alpine:1");
 * ```
 *
 * @throws {ImageNotFoundError} when `source` is not a local image.
 * @throws {InvalidReferenceError} when the destination does not parse (or is empty for an
 * image referred to by ID).
 * @throws {TypeError} with more than one credential source.
 */
export async function push(
  ctx: OperationContext,
  source: string,
  destination = "",
  options: PushOptions = {},
): Promise<string> {
  explicitCredentials(options);
  const found = await ctx.lookup(source);
  const target = destination === "" ? found.resolvedName : destination;
  try {
    if (target === "") {
      throw new InvalidReferenceError(
        source,
        "NameEmpty",
        "no destination given and the image has no name to push to",
      );
    }
    // A destination that records names (a docker-archive's tags) records the resolved name.
    const parsed = destinationReference(ctx, target, options);
    const reference = parsed.withImageName?.(found.resolvedName) ?? parsed;
    const drop = options.compressionFormat !== undefined &&
      cannotHold(reference, options.compressionFormat, options.manifestType);
    const signers = options.signers ?? [];
    if (signers.length > 0) {
      if (ctx.signatures === undefined) {
        throw new TypeError("Cannot sign: the runtime has no signature locations");
      }
      await checkSignable(reference, signers, ctx.signatures);
    }
    const context = transportContext(ctx, options);
    if (options.chunkSize !== undefined) context.uploadChunkSize = options.chunkSize;
    const result = await copyBetween(ctx.storage.parse(`@${found.image.id}`), reference, {
      sourcePolicy: await ctx.trust?.(),
      context,
      platform: ctx.platform,
      compressionFormat: drop ? undefined : options.compressionFormat,
      compressionLevel: options.compressionLevel,
      manifestType: options.manifestType,
      onProgress: options.onProgress,
      signal: options.signal,
      retries: options.retries,
      retryDelayMs: options.retryDelayMs,
    });
    if (signers.length > 0) {
      await signImage(
        reference,
        result.manifestDigest,
        signers,
        ctx.signatures!,
        context,
        options.signIdentity,
      );
    }
    return result.manifestDigest;
  } finally {
    await ctx.events.write({ type: "push", id: found.image.id, name: target, time: ctx.now() });
  }
}
