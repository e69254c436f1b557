/**
 * Signers: what turns "this manifest digest is this image" into a signature, in either
 * format. {@linkcode openpgpSigner} signs in TypeScript (any runtime, edge included);
 * {@linkcode sigstoreSigner} signs with an ECDSA key; `gpgSigner` (in `gpg_signer.ts`)
 * uses the user's GnuPG keyring through the `gpg` binary.
 *
 * @module
 */
import type { PrivateKey } from "openpgp";
import { signMessage } from "./openpgp.ts";
import {
  createSignaturePayload,
  type SignaturePayload,
  SIGSTORE_TYPE,
} from "./signature_payload.ts";
import {
  signSigstorePayload,
  SIGSTORE_PAYLOAD_TYPE,
  SIGSTORE_SIGNATURE_ANNOTATION,
} from "./sigstore.ts";
import type { SigstoreAttachment } from "./sigstore_attachments.ts";

/** The `optional.creator` stevedore writes. */
export const SIGNATURE_CREATOR = "stevedore 0.1.0";

/** A signature made by a signer, ready to be stored. */
export type CreatedSignature =
  | { format: "simple"; blob: Uint8Array }
  | { format: "sigstore"; attachment: SigstoreAttachment };

/** Signs manifest digests under an identity. */
export interface ImageSigner {
  /** Which format this signer writes. */
  readonly format: "simple" | "sigstore";
  /** Signs the claim that `manifestDigest` is `dockerReference`. */
  sign(dockerReference: string, manifestDigest: string): Promise<CreatedSignature>;
}

/** The payload claims for a signature made now. */
export function claims(
  dockerReference: string,
  manifestDigest: string,
  now: Date = new Date(),
): SignaturePayload {
  return {
    dockerReference,
    manifestDigest,
    creator: SIGNATURE_CREATOR,
    timestamp: Math.floor(now.getTime() / 1000),
  };
}

/**
 * A simple signing signer over an unlocked OpenPGP private key (see `readPrivateKey`).
 *
 * @example
 * ```ts ignore
 * const signer = openpgpSigner(await readPrivateKey(armored, "key.asc", "passphrase"));
 * ```
 */
export function openpgpSigner(key: PrivateKey): ImageSigner {
  return {
    format: "simple",
    async sign(dockerReference, manifestDigest) {
      const payload = createSignaturePayload(claims(dockerReference, manifestDigest));
      return { format: "simple", blob: await signMessage(payload, key) };
    },
  };
}

/**
 * A sigstore signer over an ECDSA private key (see `decryptCosignKey`).
 *
 * @example
 * ```ts ignore
 * const signer = sigstoreSigner(await decryptCosignKey(pem, passphrase, "cosign.key"));
 * ```
 */
export function sigstoreSigner(key: CryptoKey): ImageSigner {
  return {
    format: "sigstore",
    async sign(dockerReference, manifestDigest) {
      const payload = createSignaturePayload(
        claims(dockerReference, manifestDigest),
        SIGSTORE_TYPE,
      );
      const signature = await signSigstorePayload(payload, key);
      return {
        format: "sigstore",
        attachment: {
          mediaType: SIGSTORE_PAYLOAD_TYPE,
          payload,
          annotations: { [SIGSTORE_SIGNATURE_ANNOTATION]: signature },
        },
      };
    },
  };
}
