/**
 * Cosign-format private keys: a PKCS#8 ECDSA key encrypted with a passphrase (scrypt,
 * then NaCl secretbox), as JSON inside a PEM `ENCRYPTED SIGSTORE PRIVATE KEY` block (or
 * cosign's older `ENCRYPTED COSIGN PRIVATE KEY`), and generating such key pairs.
 *
 * @module
 */
import { KeyError } from "../errors.ts";
import { decodePem, encodePem, fromBase64, toBase64 } from "./_pem.ts";
import { publicKeyPem } from "./sigstore.ts";
import { isJsonObject, type JsonObject, parseStrictJson } from "./strict_json.ts";

/** The PEM type containers/image writes. */
export const SIGSTORE_PRIVATE_KEY_PEM = "ENCRYPTED SIGSTORE PRIVATE KEY";
const ACCEPTED_TYPES = [SIGSTORE_PRIVATE_KEY_PEM, "ENCRYPTED COSIGN PRIVATE KEY"];
/** cosign's scrypt cost (N = 2^15, r = 8, p = 1). */
export const DEFAULT_SCRYPT = { N: 32768, r: 8, p: 1 } as const;
const MAX_SCRYPT_N = 1 << 20;

async function scrypt(
  passphrase: Uint8Array,
  salt: Uint8Array,
  params: { N: number; r: number; p: number },
): Promise<Uint8Array> {
  const { scryptAsync } = await import("@noble/hashes/scrypt.js");
  return await scryptAsync(passphrase, salt, { ...params, dkLen: 32 });
}

async function secretbox(key: Uint8Array, nonce: Uint8Array) {
  const { xsalsa20poly1305 } = await import("@noble/ciphers/salsa.js");
  return xsalsa20poly1305(key, nonce);
}

/**
 * Encrypts a PKCS#8 private key with `passphrase` into the cosign PEM format.
 *
 * @example
 * ```ts ignore
 * const pem = await encryptCosignKey(pkcs8, new TextEncoder().encode("secret"));
 * ```
 */
export async function encryptCosignKey(
  pkcs8: Uint8Array,
  passphrase: Uint8Array,
  params: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(32));
  const nonce = crypto.getRandomValues(new Uint8Array(24));
  const key = await scrypt(passphrase, salt, params);
  const ciphertext = (await secretbox(key, nonce)).encrypt(pkcs8);
  const json = JSON.stringify({
    kdf: {
      name: "scrypt",
      params: { N: params.N, r: params.r, p: params.p },
      salt: toBase64(salt),
    },
    cipher: { name: "nacl/secretbox", nonce: toBase64(nonce) },
    ciphertext: toBase64(ciphertext),
  });
  return encodePem(SIGSTORE_PRIVATE_KEY_PEM, new TextEncoder().encode(json));
}

function member(object: JsonObject, key: string, what: string): JsonObject {
  const value = object[key];
  if (!isJsonObject(value)) throw new KeyError(what, `the encrypted key lacks the "${key}" object`);
  return value;
}

function bytesField(object: JsonObject, key: string, what: string): Uint8Array {
  const value = object[key];
  const bytes = typeof value === "string" ? fromBase64(value) : undefined;
  if (bytes === undefined) throw new KeyError(what, `"${key}" is not base64 data`);
  return bytes;
}

/**
 * Decrypts a cosign-format private key (`bytes`, PEM) with `passphrase` and imports it for
 * ECDSA signing; `what` names it in errors.
 *
 * @throws {KeyError} when the format is wrong, the parameters are out of bounds, or the
 * passphrase is wrong.
 */
export async function decryptCosignKey(
  bytes: Uint8Array,
  passphrase: Uint8Array,
  what: string,
): Promise<CryptoKey> {
  const block = decodePem(new TextDecoder().decode(bytes)).find((b) =>
    ACCEPTED_TYPES.includes(b.type)
  );
  if (block === undefined) {
    throw new KeyError(what, `no PEM "${SIGSTORE_PRIVATE_KEY_PEM}" block found`);
  }
  let json;
  try {
    json = parseStrictJson(new TextDecoder("utf-8", { fatal: true }).decode(block.bytes));
  } catch (error) {
    throw new KeyError(what, `the encrypted key is not JSON (${(error as Error).message})`);
  }
  if (!isJsonObject(json)) throw new KeyError(what, "the encrypted key is not a JSON object");
  const kdf = member(json, "kdf", what);
  const cipher = member(json, "cipher", what);
  const params = member(kdf, "params", what);
  if (kdf.name !== "scrypt") throw new KeyError(what, `unsupported key derivation "${kdf.name}"`);
  if (cipher.name !== "nacl/secretbox") {
    throw new KeyError(what, `unsupported cipher "${cipher.name}"`);
  }
  const { N, r, p } = params;
  if (
    typeof N !== "number" || typeof r !== "number" || typeof p !== "number" ||
    !Number.isInteger(N) || N < 2 || N > MAX_SCRYPT_N || (N & (N - 1)) !== 0 ||
    !Number.isInteger(r) || r < 1 || r > 32 || !Number.isInteger(p) || p < 1 || p > 16
  ) {
    throw new KeyError(what, "the scrypt parameters are invalid or too expensive");
  }
  const salt = bytesField(kdf, "salt", what);
  const nonce = bytesField(cipher, "nonce", what);
  if (nonce.length !== 24) throw new KeyError(what, "the secretbox nonce is not 24 bytes");
  const ciphertext = bytesField(json, "ciphertext", what);
  const key = await scrypt(passphrase, salt, { N, r, p });
  let pkcs8: Uint8Array;
  try {
    pkcs8 = (await secretbox(key, nonce)).decrypt(ciphertext);
  } catch (error) {
    throw new KeyError(what, "cannot decrypt the key: wrong passphrase?", { cause: error });
  }
  for (const namedCurve of ["P-256", "P-384", "P-521"]) {
    try {
      return await crypto.subtle.importKey(
        "pkcs8",
        pkcs8 as Uint8Array<ArrayBuffer>,
        { name: "ECDSA", namedCurve },
        true,
        ["sign"],
      );
    } catch {
      // try the next curve
    }
  }
  throw new KeyError(what, "the decrypted key is not an ECDSA private key");
}

/** A generated key pair, both halves PEM-encoded. */
export interface SigstoreKeyPair {
  /** The encrypted private key (`ENCRYPTED SIGSTORE PRIVATE KEY`). */
  privateKey: string;
  /** The public key (`PUBLIC KEY`). */
  publicKey: string;
}

/**
 * Generates an ECDSA P-256 key pair; the private key is encrypted with `passphrase` as
 * cosign and `skopeo generate-sigstore-key` do.
 *
 * @example
 * ```ts ignore
 * const pair = await generateSigstoreKeyPair(new TextEncoder().encode("secret"));
 * ```
 */
export async function generateSigstoreKeyPair(
  passphrase: Uint8Array,
  params: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<SigstoreKeyPair> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
    "sign",
    "verify",
  ]) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  return {
    privateKey: await encryptCosignKey(pkcs8, passphrase, params),
    publicKey: await publicKeyPem(pair.publicKey),
  };
}
