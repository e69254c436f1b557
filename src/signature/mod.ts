/**
 * Container signatures: the simple signing payload (containers-signature(5)) with OpenPGP,
 * sigstore signatures with ECDSA keys, cosign-format encrypted keys, and where signatures
 * are stored (lookasides, sigstore attachments).
 *
 * @example
 * ```ts
 * import { createSignaturePayload, parseSignaturePayload } from "./mod.ts";
 * const bytes = createSignaturePayload({
 *   dockerReference: "example.com/app:1",
 *   manifestDigest: "sha256:" + "0".repeat(64),
 * });
 * console.log(parseSignaturePayload(bytes).dockerReference); // "example.com/app:1"
 * ```
 *
 * @module
 */
export {
  createSignaturePayload,
  parseSignaturePayload,
  type SignaturePayload,
  SIGSTORE_TYPE,
  SIMPLE_SIGNING_TYPE,
} from "./signature_payload.ts";
export {
  keyFingerprints,
  type PublicKeys,
  readPrivateKey,
  readPublicKeys,
  signMessage,
  type VerifiedMessage,
  verifySignedMessage,
} from "./openpgp.ts";
export {
  publicKeyPem,
  readSigstorePublicKeys,
  signSigstorePayload,
  SIGSTORE_PAYLOAD_TYPE,
  SIGSTORE_SIGNATURE_ANNOTATION,
  type SigstorePublicKey,
  verifySigstoreSignature,
} from "./sigstore.ts";
export {
  decryptCosignKey,
  DEFAULT_SCRYPT,
  encryptCosignKey,
  generateSigstoreKeyPair,
  SIGSTORE_PRIVATE_KEY_PEM,
  type SigstoreKeyPair,
} from "./cosign_key.ts";
export {
  type CreatedSignature,
  type ImageSigner,
  openpgpSigner,
  SIGNATURE_CREATOR,
  sigstoreSigner,
} from "./image_signer.ts";
export {
  lookasideUrl,
  MAX_SIGNATURE_SIZE,
  MAX_SIGNATURES,
  readLookaside,
  writeLookaside,
} from "./lookaside.ts";
export {
  readSigstoreAttachments,
  type SigstoreAttachment,
  sigstoreTag,
  writeSigstoreAttachments,
} from "./sigstore_attachments.ts";
export { InvalidSignature } from "./invalid_signature.ts";
export { isJsonObject, type JsonObject, type JsonValue, parseStrictJson } from "./strict_json.ts";
