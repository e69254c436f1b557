/**
 * OpenPGP for simple signing (containers-signature(5)): reading keyrings, verifying a
 * signed message and extracting its payload only once the signature is authenticated,
 * and signing a payload with a private key, all in TypeScript (the `openpgp` package,
 * loaded on first use so that images pulled without signatures never pay for it).
 *
 * @module
 */
import type { Key, PrivateKey } from "openpgp";
import { KeyError } from "../errors.ts";
import { InvalidSignature } from "./invalid_signature.ts";

type OpenPgp = typeof import("openpgp");
let module: Promise<OpenPgp> | undefined;

function openpgp(): Promise<OpenPgp> {
  module ??= import("openpgp");
  return module;
}

/** A signed payload never inflates past this (a compressed "zip bomb" is refused). */
export const MAX_PAYLOAD_SIZE = 4 * 1024 * 1024;
const LIMITS = { maxDecompressedMessageSize: MAX_PAYLOAD_SIZE };

function isArmored(bytes: Uint8Array): boolean {
  const head = new TextDecoder().decode(bytes.subarray(0, 64)).trimStart();
  return head.startsWith("-----BEGIN PGP");
}

/** OpenPGP public keys, as read from a keyring file or `keyData`. */
export type PublicKeys = Key[];

/**
 * Reads the public keys of a keyring, binary (`gpg --export`) or armored; `what` names
 * it in errors.
 *
 * @throws {KeyError} when the bytes hold no OpenPGP key.
 */
export async function readPublicKeys(bytes: Uint8Array, what: string): Promise<PublicKeys> {
  const pgp = await openpgp();
  try {
    const keys = isArmored(bytes)
      ? await pgp.readKeys({ armoredKeys: new TextDecoder().decode(bytes) })
      : await pgp.readKeys({ binaryKeys: bytes });
    if (keys.length === 0) throw new Error("no keys found");
    return keys;
  } catch (error) {
    throw new KeyError(what, `not an OpenPGP keyring (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** The fingerprints (upper-case hex) of a key's primary key and subkeys. */
export function keyFingerprints(key: Key): string[] {
  return [key, ...key.getSubkeys()].map((k) => k.getFingerprint().toUpperCase());
}

/** What a verified simple signing signature carries. */
export interface VerifiedMessage {
  /** The authenticated payload bytes. */
  payload: Uint8Array;
  /** The fingerprint of the primary key that signed it. */
  fingerprint: string;
  /** The first user ID of that key, if it has one. */
  userId?: string;
}

/**
 * Verifies that `blob` is an OpenPGP signed message made by one of `keys` (not expired,
 * cryptographically valid) and returns its payload; nothing of the payload is returned
 * unless that holds.
 *
 * @throws {InvalidSignature} when the blob is not a signed message, is signed by an
 * unknown key, or does not verify.
 */
export async function verifySignedMessage(
  blob: Uint8Array,
  keys: PublicKeys,
): Promise<VerifiedMessage> {
  const pgp = await openpgp();
  let message;
  try {
    message = await pgp.readMessage({ binaryMessage: blob, config: LIMITS });
  } catch (error) {
    throw new InvalidSignature(`Invalid GPG signature: ${(error as Error).message}`, {
      cause: error,
    });
  }
  let result;
  try {
    result = await pgp.verify({
      message,
      verificationKeys: keys,
      format: "binary",
      config: LIMITS,
    });
  } catch (error) {
    throw new InvalidSignature(`Invalid GPG signature: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (result.signatures.length !== 1) {
    throw new InvalidSignature(
      `Invalid GPG signature: expected exactly one signature, found ${result.signatures.length}`,
    );
  }
  const [signature] = result.signatures;
  const signer = keys.find((key) => key.getKeys(signature.keyID).length > 0);
  if (signer === undefined) {
    throw new InvalidSignature(
      `Invalid GPG signature: signed by the unknown key ${signature.keyID.toHex().toUpperCase()}`,
    );
  }
  try {
    await signature.verified;
  } catch (error) {
    throw new InvalidSignature(`Invalid GPG signature: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const verified: VerifiedMessage = {
    payload: result.data,
    fingerprint: signer.getFingerprint().toUpperCase(),
  };
  const [userId] = signer.getUserIDs();
  if (userId) verified.userId = userId;
  return verified;
}

/**
 * Reads an OpenPGP private key (armored or binary) and unlocks it with `passphrase` when
 * it is encrypted; `what` names it in errors.
 *
 * @throws {KeyError} when it is not a private key or the passphrase does not open it.
 */
export async function readPrivateKey(
  bytes: Uint8Array,
  what: string,
  passphrase?: string,
): Promise<PrivateKey> {
  const pgp = await openpgp();
  let key: PrivateKey;
  try {
    key = isArmored(bytes)
      ? await pgp.readPrivateKey({ armoredKey: new TextDecoder().decode(bytes) })
      : await pgp.readPrivateKey({ binaryKey: bytes });
  } catch (error) {
    throw new KeyError(what, `not an OpenPGP private key (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (key.isDecrypted()) return key;
  if (passphrase === undefined) throw new KeyError(what, "the key is encrypted: give a passphrase");
  try {
    return await pgp.decryptKey({ privateKey: key, passphrase });
  } catch (error) {
    throw new KeyError(what, `cannot unlock the key (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** Signs `payload` with `key` into an OpenPGP signed message (not detached), binary. */
export async function signMessage(payload: Uint8Array, key: PrivateKey): Promise<Uint8Array> {
  const pgp = await openpgp();
  const message = await pgp.createMessage({ binary: payload });
  return await pgp.sign({ message, signingKeys: key, format: "binary" });
}
