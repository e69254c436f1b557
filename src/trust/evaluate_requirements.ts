/**
 * Evaluating a requirement list against one image (containers/image's
 * `IsRunningImageAllowed`): every requirement must accept; a signature requirement accepts
 * when one signature passes every check, and otherwise says why each failed.
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { KeyError } from "../errors.ts";
import type { FileSystem } from "../fs/mod.ts";
import { InvalidSignature } from "../signature/invalid_signature.ts";
import { type PublicKeys, readPublicKeys, verifySignedMessage } from "../signature/openpgp.ts";
import {
  parseSignaturePayload,
  type SignaturePayload,
  SIGSTORE_TYPE,
} from "../signature/signature_payload.ts";
import {
  readSigstorePublicKeys,
  SIGSTORE_PAYLOAD_TYPE,
  SIGSTORE_SIGNATURE_ANNOTATION,
  type SigstorePublicKey,
  verifySigstoreSignature,
} from "../signature/sigstore.ts";
import type { VerifiedSignatureInfo } from "../types/mod.ts";
import type { ImageSignature } from "./image_signatures.ts";
import { identityMatches } from "./match_identity.ts";
import type {
  KeySource,
  PolicyRequirement,
  SignedByRequirement,
  SigstoreSignedRequirement,
} from "./policy.ts";

/** The image a requirement list is evaluated against. */
export interface ImageUnderPolicy {
  /** The transport-qualified reference, for messages. */
  reference: string;
  /** The image's docker reference, if its transport has one. */
  dockerReference: string | undefined;
  /** The manifest bytes, exactly as read. */
  manifest: Uint8Array;
  /** The image's signatures, read on first use. */
  signatures(): Promise<ImageSignature[]>;
}

/**
 * What a signature passed: the requirement, the key that verified it, the claimed
 * identity and where the signature was read.
 */
export interface VerifiedSignature extends VerifiedSignatureInfo {
  /** `simple` or `sigstore`. */
  format: "simple" | "sigstore";
  /** The identity the signature claims (the same as `signedIdentity`). */
  dockerReference: string;
  /** The signed manifest digest. */
  manifestDigest: string;
}

/** A rejection: the image is not allowed, for `reason`. */
export class PolicyRejection extends Error {}

/** Loads and caches the keys a requirement names. */
export class KeyCache {
  readonly #fs: FileSystem;
  readonly #cache = new WeakMap<KeySource, Promise<unknown>>();

  /** Reads key files through `fs`. */
  constructor(fs: FileSystem) {
    this.#fs = fs;
  }

  async #load<T>(source: KeySource, read: (bytes: Uint8Array, what: string) => Promise<T[]>) {
    let entry = this.#cache.get(source) as Promise<T[]> | undefined;
    if (entry === undefined) {
      entry = (async () => {
        if (source.data !== undefined) return await read(source.data, "keyData");
        const keys: T[] = [];
        for (const path of source.paths ?? []) {
          let bytes: Uint8Array;
          try {
            bytes = await this.#fs.readFile(path);
          } catch (error) {
            throw new KeyError(path, `cannot read the key file (${(error as Error).message})`, {
              cause: error,
            });
          }
          keys.push(...await read(bytes, path));
        }
        return keys;
      })();
      this.#cache.set(source, entry);
      entry.catch(() => this.#cache.delete(source));
    }
    return await entry;
  }

  /** The OpenPGP public keys of `source`. */
  openpgp(source: KeySource): Promise<PublicKeys> {
    return this.#load(source, readPublicKeys);
  }

  /** The sigstore public keys of `source`. */
  sigstore(source: KeySource): Promise<SigstorePublicKey[]> {
    return this.#load(source, readSigstorePublicKeys);
  }
}

function digestOf(manifest: Uint8Array, claimed: string): string | undefined {
  const algorithm = claimed.slice(0, claimed.indexOf(":"));
  if (algorithm !== "sha256" && algorithm !== "sha512") return undefined;
  return digestBytes(manifest, { algorithm }).toString();
}

function checkClaims(
  payload: SignaturePayload,
  requirement: SignedByRequirement | SigstoreSignedRequirement,
  image: ImageUnderPolicy,
): void {
  if (digestOf(image.manifest, payload.manifestDigest) !== payload.manifestDigest) {
    throw new InvalidSignature(
      `Signature for docker digest "${payload.manifestDigest}" does not match`,
    );
  }
  if (
    !identityMatches(requirement.signedIdentity, image.dockerReference, payload.dockerReference)
  ) {
    throw new InvalidSignature(
      `Signature for identity "${payload.dockerReference}" is not accepted`,
    );
  }
}

async function acceptSimple(
  requirement: SignedByRequirement,
  signature: ImageSignature,
  image: ImageUnderPolicy,
  keys: KeyCache,
): Promise<VerifiedSignature> {
  if (signature.format !== "simple") {
    throw new InvalidSignature("Expected a simple signing signature, got a sigstore signature");
  }
  const verified = await verifySignedMessage(signature.blob, await keys.openpgp(requirement.keys));
  const payload = parseSignaturePayload(verified.payload);
  checkClaims(payload, requirement, image);
  return {
    format: "simple",
    requirement: "signedBy",
    keyFingerprint: verified.fingerprint,
    ...(verified.userId === undefined ? {} : { keyIdentity: verified.userId }),
    signedIdentity: payload.dockerReference,
    location: signature.location,
    dockerReference: payload.dockerReference,
    manifestDigest: payload.manifestDigest,
  };
}

async function acceptSigstore(
  requirement: SigstoreSignedRequirement,
  signature: ImageSignature,
  image: ImageUnderPolicy,
  keys: KeyCache,
): Promise<VerifiedSignature> {
  if (signature.format !== "sigstore") {
    throw new InvalidSignature("Expected a sigstore signature, got a simple signing signature");
  }
  if (requirement.keys === undefined) {
    throw new InvalidSignature(
      `${
        requirement.certificates?.kind ?? "certificate"
      }-based sigstore verification is not supported by stevedore (it needs network services); use keyPath, keyPaths or keyData`,
    );
  }
  if (signature.mediaType !== SIGSTORE_PAYLOAD_TYPE) {
    throw new InvalidSignature(
      `Unexpected MIME type for sigstore payload "${signature.mediaType}"`,
    );
  }
  const encoded = signature.annotations[SIGSTORE_SIGNATURE_ANNOTATION];
  if (encoded === undefined) {
    throw new InvalidSignature(`missing ${SIGSTORE_SIGNATURE_ANNOTATION} annotation`);
  }
  if (requirement.rekorKeys !== undefined) {
    throw new InvalidSignature("Rekor verification is not supported by stevedore");
  }
  const key = await verifySigstoreSignature(
    signature.payload,
    encoded,
    await keys.sigstore(requirement.keys),
  );
  const payload = parseSignaturePayload(signature.payload, SIGSTORE_TYPE);
  checkClaims(payload, requirement, image);
  return {
    format: "sigstore",
    requirement: "sigstoreSigned",
    keyFingerprint: key.fingerprint,
    signedIdentity: payload.dockerReference,
    location: signature.location,
    dockerReference: payload.dockerReference,
    manifestDigest: payload.manifestDigest,
  };
}

async function signatureRequirement(
  requirement: SignedByRequirement | SigstoreSignedRequirement,
  image: ImageUnderPolicy,
  keys: KeyCache,
): Promise<VerifiedSignature> {
  const signatures = await image.signatures();
  if (signatures.length === 0) {
    throw new PolicyRejection("A signature was required, but no signature exists");
  }
  const reasons: string[] = [];
  for (const signature of signatures) {
    try {
      return requirement.type === "signedBy"
        ? await acceptSimple(requirement, signature, image, keys)
        : await acceptSigstore(requirement, signature, image, keys);
    } catch (error) {
      if (!(error instanceof InvalidSignature)) throw error;
      reasons.push(error.message);
    }
  }
  if (reasons.length === 1) throw new PolicyRejection(reasons[0]);
  throw new PolicyRejection(`None of the signatures were accepted, reasons: ${reasons.join("; ")}`);
}

/**
 * Checks `image` against every requirement of `requirements`; resolves with the
 * signatures that satisfied signature requirements.
 *
 * @throws {PolicyRejection} with containers/image's reason when one rejects.
 */
export async function evaluateRequirements(
  requirements: readonly PolicyRequirement[],
  image: ImageUnderPolicy,
  keys: KeyCache,
): Promise<VerifiedSignature[]> {
  const verified: VerifiedSignature[] = [];
  for (const requirement of requirements) {
    switch (requirement.type) {
      case "insecureAcceptAnything":
        break;
      case "reject":
        throw new PolicyRejection(`Running image ${image.reference} is rejected by policy.`);
      default:
        verified.push(await signatureRequirement(requirement, image, keys));
    }
  }
  return verified;
}
