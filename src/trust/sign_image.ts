/**
 * Signing an image that was just written: each signer signs the manifest digest actually
 * written under the destination's name, and the signatures go where registries.d(5) says,
 * simple signatures to the lookaside staging (`file://`), sigstore ones as attachments.
 *
 * @module
 */
import { SigningError } from "../errors.ts";
import type { CreatedSignature, ImageSigner } from "../signature/image_signer.ts";
import { writeLookaside } from "../signature/lookaside.ts";
import { writeSigstoreAttachments } from "../signature/sigstore_attachments.ts";
import type { ImageReference, TransportContext } from "../transports/types.ts";
import type { SignatureStorage } from "../config/registries_d.ts";
import {
  type RegistryImage,
  registryImage,
  type SignatureLocations,
  storageFor,
} from "./image_signatures.ts";

/** Where new signatures were written. */
export interface SignResult {
  /** The lookaside files written. */
  lookasideFiles: string[];
  /** How many sigstore signatures were attached. */
  sigstoreSignatures: number;
}

/**
 * Checks, before anything is written, that `ref` can hold the signatures `signers` make:
 * a registry image, with sigstore attachments enabled when a signer needs them.
 *
 * @throws {SigningError} when it cannot.
 */
export async function checkSignable(
  ref: ImageReference,
  signers: readonly ImageSigner[],
  locations: SignatureLocations,
): Promise<{ image: RegistryImage; storage: SignatureStorage }> {
  const image = registryImage(ref);
  if (image === undefined) {
    throw new SigningError(ref.toString(), "only images pushed to a registry can be signed");
  }
  const storage = await storageFor(ref, locations);
  if (signers.some((s) => s.format === "sigstore") && !storage.sigstoreAttachments) {
    throw new SigningError(
      ref.toString(),
      "writing sigstore attachments is disabled by configuration (set use-sigstore-attachments in registries.d)",
    );
  }
  if (signers.some((s) => s.format === "simple") && !storage.write.startsWith("file:")) {
    throw new SigningError(
      ref.toString(),
      `signatures can only be written to a file:// lookaside, not "${storage.write}" (set lookaside-staging in registries.d)`,
    );
  }
  return { image, storage };
}

/**
 * Signs the manifest `manifestDigest` of `ref` with every signer and stores the
 * signatures; `identity` overrides the claimed name (default: `ref`'s docker reference).
 *
 * @throws {SigningError} when the destination cannot hold signatures, sigstore attachments
 * are disabled for it, or a signer fails.
 */
export async function signImage(
  ref: ImageReference,
  manifestDigest: string,
  signers: readonly ImageSigner[],
  locations: SignatureLocations,
  context: TransportContext,
  identity?: string,
): Promise<SignResult> {
  const result: SignResult = { lookasideFiles: [], sigstoreSignatures: 0 };
  if (signers.length === 0) return result;
  const { image, storage } = await checkSignable(ref, signers, locations);
  const name = identity ?? image.dockerReference;
  const created: CreatedSignature[] = [];
  for (const signer of signers) created.push(await signer.sign(name, manifestDigest));
  const simple = created.flatMap((s) => s.format === "simple" ? [s.blob] : []);
  const sigstore = created.flatMap((s) => s.format === "sigstore" ? [s.attachment] : []);
  if (simple.length > 0) {
    result.lookasideFiles = await writeLookaside(
      storage.write,
      image.repository,
      manifestDigest,
      simple,
      locations.fs,
    );
  }
  if (sigstore.length > 0) {
    await writeSigstoreAttachments(
      await image.client(context),
      image.repository,
      manifestDigest,
      sigstore,
    );
    result.sigstoreSignatures = sigstore.length;
  }
  return result;
}

/**
 * Signs everything a copy wrote to `ref`: each instance of a list copied whole, and the
 * top-level manifest (`result` is what `copyImage` returned).
 */
export async function signWritten(
  ref: ImageReference,
  result: { manifestDigest: string; instances: { manifest: { digest: string } }[] },
  signers: readonly ImageSigner[],
  locations: SignatureLocations,
  context: TransportContext,
  identity?: string,
): Promise<void> {
  if (signers.length === 0) return;
  const written = [...result.instances.map((i) => i.manifest.digest), result.manifestDigest];
  for (const digest of new Set(written)) {
    await signImage(ref, digest, signers, locations, context, identity);
  }
}
