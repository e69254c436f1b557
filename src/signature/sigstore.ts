/**
 * Sigstore signatures with public keys: the payload (`application/vnd.dev.cosign.
 * simplesigning.v1+json`) signed with ECDSA over SHA-256, the signature in DER, base64, in
 * the `dev.cosignproject.cosign/signature` annotation. WebCrypto does the cryptography.
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { KeyError } from "../errors.ts";
import { derToRaw, rawToDer } from "./_ecdsa_der.ts";
import { decodePem, encodePem, fromBase64, toBase64 } from "./_pem.ts";
import { InvalidSignature } from "./invalid_signature.ts";

/** The media type of a sigstore signature payload layer. */
export const SIGSTORE_PAYLOAD_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
/** The annotation holding the base64 signature. */
export const SIGSTORE_SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

const CURVES = [["P-256", 32], ["P-384", 48], ["P-521", 66]] as const;

/** A sigstore public key, ready to verify. */
export interface SigstorePublicKey {
  /** The WebCrypto key. */
  key: CryptoKey;
  /** The size in bytes of `r` and `s` for its curve. */
  size: number;
  /** `sha256:<hex>` of the key's DER SubjectPublicKeyInfo. */
  fingerprint: string;
}

/**
 * Reads the ECDSA public keys (PEM `PUBLIC KEY` blocks) of `bytes`; `what` names them in
 * errors.
 *
 * @throws {KeyError} when there is no PEM public key or a key is not ECDSA P-256/384/521.
 */
export async function readSigstorePublicKeys(
  bytes: Uint8Array,
  what: string,
): Promise<SigstorePublicKey[]> {
  const blocks = decodePem(new TextDecoder().decode(bytes)).filter((b) => b.type === "PUBLIC KEY");
  if (blocks.length === 0) throw new KeyError(what, "no PEM PUBLIC KEY block found");
  const keys: SigstorePublicKey[] = [];
  for (const block of blocks) {
    let found: SigstorePublicKey | undefined;
    for (const [namedCurve, size] of CURVES) {
      try {
        const key = await crypto.subtle.importKey(
          "spki",
          block.bytes as Uint8Array<ArrayBuffer>,
          { name: "ECDSA", namedCurve },
          true,
          ["verify"],
        );
        found = { key, size, fingerprint: digestBytes(block.bytes).toString() };
        break;
      } catch {
        // another curve, or not ECDSA
      }
    }
    if (found === undefined) {
      throw new KeyError(what, "the public key is not an ECDSA P-256, P-384 or P-521 key");
    }
    keys.push(found);
  }
  return keys;
}

/**
 * Verifies the base64 DER `signature` of `payload` against `keys`; resolves with the key
 * that verifies it.
 *
 * @throws {InvalidSignature} when the signature is malformed or no key verifies it.
 */
export async function verifySigstoreSignature(
  payload: Uint8Array,
  signature: string,
  keys: readonly SigstorePublicKey[],
): Promise<SigstorePublicKey> {
  const der = fromBase64(signature);
  if (der === undefined) {
    throw new InvalidSignature("cryptographic signature verification failed: invalid base64");
  }
  for (const candidate of keys) {
    const { key, size } = candidate;
    const raw = derToRaw(der, size);
    if (raw === undefined) continue;
    const ok = await crypto.subtle.verify(
      { name: "ECDSA", hash: "SHA-256" },
      key,
      raw as Uint8Array<ArrayBuffer>,
      payload as Uint8Array<ArrayBuffer>,
    );
    if (ok) return candidate;
  }
  throw new InvalidSignature(
    "cryptographic signature verification failed: invalid signature when validating ASN.1 encoded signature",
  );
}

/** Signs `payload` with an ECDSA private key; returns the base64 DER signature. */
export async function signSigstorePayload(
  payload: Uint8Array,
  privateKey: CryptoKey,
): Promise<string> {
  const raw = new Uint8Array(
    await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      privateKey,
      payload as Uint8Array<ArrayBuffer>,
    ),
  );
  return toBase64(rawToDer(raw));
}

/** Encodes a WebCrypto public key as a PEM `PUBLIC KEY`. */
export async function publicKeyPem(key: CryptoKey): Promise<string> {
  return encodePem("PUBLIC KEY", new Uint8Array(await crypto.subtle.exportKey("spki", key)));
}
