/**
 * {@linkcode copySignedImage}: a copy (`copyBetween`) that also carries signatures along when an image
 * moves between registries (unless `removeSignatures`), and signs what it wrote.
 *
 * @module
 */
import { copyBetween, type CopyOptions, type CopyResult, type CopySeams } from "../copy/mod.ts";
import { resolveReference } from "../copy/copy_image.ts";
import { SignatureError } from "../errors.ts";
import type { ImageSigner } from "../signature/image_signer.ts";
import { writeLookaside } from "../signature/lookaside.ts";
import { writeSigstoreAttachments } from "../signature/sigstore_attachments.ts";
import type { ImageReference, TransportContext } from "../transports/types.ts";
import {
  readImageSignatures,
  registryImage,
  type SignatureLocations,
  storageFor,
} from "./image_signatures.ts";
import { checkSignable, signWritten } from "./sign_image.ts";

/** Options of {@linkcode copySignedImage}. */
export interface SignedCopyOptions extends CopyOptions, Omit<CopySeams, "context"> {
  /** What the transports need (signatures are read and written through it too). */
  context: TransportContext;
  /** Where signatures are read and written (see `signatureLocations`). */
  signatureLocations: SignatureLocations;
  /** Do not copy the source's signatures. @default false */
  removeSignatures?: boolean;
  /** Sign what is written with each of these. @default none */
  signers?: readonly ImageSigner[];
  /** The identity new signatures claim. @default the destination's name */
  signIdentity?: string;
}

/** The manifest digests written unchanged: their source signatures stay valid. */
function unchangedDigests(result: CopyResult): string[] {
  const digests = result.instances
    .filter((i) => i.sourceDigest === i.manifest.digest)
    .map((i) => i.sourceDigest);
  if (!result.manifestChanged) digests.push(result.manifestDigest);
  return [...new Set(digests)];
}

const UNSTORABLE = "the destination cannot store signatures; copy with removeSignatures";

/**
 * Throws before anything is copied when the registry image `source` has signatures that
 * `destination` (no registry) cannot store.
 */
async function refuseUnstorable(
  source: ImageReference,
  destination: ImageReference,
  locations: SignatureLocations,
  context: TransportContext,
): Promise<void> {
  const opened = await source.newSource(context);
  let digest: string;
  try {
    digest = (await opened.getManifest()).digest;
  } finally {
    await opened.close();
  }
  if ((await readImageSignatures(source, digest, locations, context)).length > 0) {
    throw new SignatureError(destination.toString(), UNSTORABLE);
  }
}

/**
 * Copies `src` to `dest` like `copyBetween`; between registries, the signatures of every
 * manifest written unchanged are copied too (lookaside ones to the destination's staging,
 * sigstore ones as attachments), then `signers` sign what was written.
 *
 * @example
 * ```ts ignore
 * await copySignedImage("docker://a.example/app:1", "docker://b.example/app:1", {
 *   context: { fs },
 *   signatureLocations: signatureLocations({ fs, homeDir }),
 * });
 * ```
 *
 * @throws {SignatureError} when signatures exist but the manifest had to change (they would
 * no longer match: copy with `removeSignatures`), or cannot be stored at the destination.
 * This is found after the image was written (the copy engine decides about changes while
 * it copies), so the destination then holds the image without signatures; signatures of
 * the top-level manifest that a non-registry destination cannot store are found before.
 */
export async function copySignedImage(
  src: string | ImageReference,
  dest: string | ImageReference,
  options: SignedCopyOptions,
): Promise<CopyResult> {
  const source = resolveReference(src, options.transports);
  const destination = resolveReference(dest, options.transports);
  const locations = options.signatureLocations;
  const signers = options.signers ?? [];
  if (signers.length > 0) await checkSignable(destination, signers, locations);
  if (
    !options.removeSignatures && registryImage(source) !== undefined &&
    registryImage(destination) === undefined
  ) {
    await refuseUnstorable(source, destination, locations, options.context);
  }
  const result = await copyBetween(source, destination, options);
  const target = registryImage(destination);
  if (!options.removeSignatures && registryImage(source) !== undefined) {
    const carried = unchangedDigests(result);
    if (result.manifestChanged && !carried.includes(result.sourceDigest)) {
      const lost = await readImageSignatures(
        source,
        result.sourceDigest,
        locations,
        options.context,
      );
      if (lost.length > 0) {
        throw new SignatureError(
          source.toString(),
          "the manifest was changed by the copy, which would invalidate its signatures; copy with removeSignatures",
        );
      }
    }
    for (const digest of carried) {
      const signatures = await readImageSignatures(source, digest, locations, options.context);
      if (signatures.length === 0) continue;
      if (target === undefined) {
        throw new SignatureError(destination.toString(), UNSTORABLE);
      }
      const storage = await storageFor(destination, locations);
      const simple = signatures.flatMap((s) => s.format === "simple" ? [s.blob] : []);
      const sigstore = signatures.flatMap((s) =>
        s.format === "sigstore"
          ? [{ mediaType: s.mediaType, payload: s.payload, annotations: s.annotations }]
          : []
      );
      if (simple.length > 0) {
        await writeLookaside(storage.write, target.repository, digest, simple, locations.fs);
      }
      if (sigstore.length > 0) {
        if (!storage.sigstoreAttachments) {
          throw new SignatureError(
            destination.toString(),
            "writing sigstore attachments is disabled by configuration",
          );
        }
        await writeSigstoreAttachments(
          await target.client(options.context),
          target.repository,
          digest,
          sigstore,
        );
      }
    }
  }
  await signWritten(destination, result, signers, locations, options.context, options.signIdentity);
  return result;
}
