/**
 * Finding the signatures of an image: for images in a registry, the lookaside that
 * registries.d(5) names (or the built-in one) and, where enabled, sigstore attachments.
 * Other sources carry no signatures.
 *
 * @module
 */
import {
  defaultLookaside,
  type RegistriesDConfig,
  type SignatureStorage,
  signatureStorageFor,
} from "../config/registries_d.ts";
import type { FileSystem } from "../fs/mod.ts";
import type { RegistryClient } from "../registry/mod.ts";
import { lookasideUrl, readLookaside } from "../signature/lookaside.ts";
import {
  readSigstoreAttachments,
  type SigstoreAttachment,
  sigstoreTag,
} from "../signature/sigstore_attachments.ts";
import type { ImageReference, TransportContext } from "../transports/types.ts";
import { policyScopes } from "./policy_scope.ts";

/**
 * One signature of an image, in one of the two formats; `location` is where it was read
 * (the lookaside URL of the file, or the attachment tag and layer).
 */
export type ImageSignature =
  | { format: "simple"; blob: Uint8Array; location: string }
  | ({ format: "sigstore"; location: string } & SigstoreAttachment);

/** Where signatures are looked up: registries.d and the built-in lookaside. */
export interface SignatureLocations {
  /** The merged registries.d configuration (loaded on first use). */
  registriesD(): Promise<RegistriesDConfig>;
  /** The user's home directory (the built-in lookaside is under it). */
  homeDir: string;
  /** The effective user ID (root uses `/var/lib/containers/sigstore`). */
  uid: number;
  /** The file system `file://` lookasides are read through. */
  fs: FileSystem;
}

/** A reference to an image in a registry: what signature lookups need of it. */
export interface RegistryImage {
  /** The registry host. */
  registry: string;
  /** The repository path without the host. */
  repository: string;
  /** The full docker reference. */
  dockerReference: string;
  /** A registry client for the reference's registry. */
  client(context: TransportContext): RegistryClient;
}

/** The registry location of `ref`, when it is a registry image (a capability probe). */
export function registryImage(ref: ImageReference): RegistryImage | undefined {
  const candidate = ref as unknown as Partial<RegistryImage>;
  if (
    typeof candidate.client === "function" && typeof candidate.registry === "string" &&
    typeof candidate.repository === "string" && typeof ref.dockerReference === "string"
  ) {
    return candidate as RegistryImage;
  }
  return undefined;
}

/** The signature storage registries.d configures for the registry image `ref`. */
export async function storageFor(
  ref: ImageReference,
  locations: SignatureLocations,
): Promise<SignatureStorage> {
  const scopes = policyScopes(ref);
  return signatureStorageFor(
    await locations.registriesD(),
    [scopes.identity, ...scopes.namespaces],
    defaultLookaside(locations.homeDir, locations.uid),
  );
}

/**
 * Reads the signatures of the manifest `digest` of `ref`: lookaside ones first, then
 * sigstore attachments. A reference outside a registry has none.
 *
 * @throws {SignatureError} when a signature store cannot be read or holds too much.
 */
export async function readImageSignatures(
  ref: ImageReference,
  digest: string,
  locations: SignatureLocations,
  context: TransportContext,
): Promise<ImageSignature[]> {
  const image = registryImage(ref);
  if (image === undefined) return [];
  const storage = await storageFor(ref, locations);
  const signatures: ImageSignature[] = [];
  const blobs = await readLookaside(storage.read, image.repository, digest, {
    fs: locations.fs,
    fetch: context.fetch,
    signal: context.signal,
  });
  blobs.forEach((blob, i) =>
    signatures.push({
      format: "simple",
      blob,
      location: lookasideUrl(storage.read, image.repository, digest, i),
    })
  );
  if (storage.sigstoreAttachments) {
    const attachments = await readSigstoreAttachments(
      await image.client(context),
      image.repository,
      digest,
    );
    attachments.forEach((a, i) =>
      signatures.push({
        format: "sigstore",
        location: `${image.registry}/${image.repository}:${sigstoreTag(digest)} (layer ${i + 1})`,
        ...a,
      })
    );
  }
  return signatures;
}
