/**
 * The few digest operations the registry client needs (TEMPORARY: node:crypto until
 * src/digest lands).
 *
 * @module
 */
import { createHash } from "node:crypto";
import { DigestMismatchError, InvalidDigestError } from "../errors.ts";

const ALGORITHMS: Record<string, number> = { sha256: 64, sha512: 128 };

/** Checks a digest string and returns its algorithm. */
export function parseDigest(digest: string): string {
  const match = /^([a-z0-9]+(?:[.+_-][a-z0-9]+)*):([a-zA-Z0-9=_-]+)$/.exec(digest);
  if (!match) throw new InvalidDigestError(digest, "InvalidFormat", "not algorithm:hex");
  const length = ALGORITHMS[match[1]];
  if (length === undefined) {
    throw new InvalidDigestError(digest, "UnsupportedAlgorithm", "unsupported algorithm");
  }
  if (!/^[a-f0-9]+$/.test(match[2])) throw new InvalidDigestError(digest, "InvalidHex", "bad hex");
  if (match[2].length !== length) {
    throw new InvalidDigestError(digest, "InvalidLength", "wrong length");
  }
  return match[1];
}

/** Tells whether a string looks like a digest (rather than a tag). */
export function isDigest(reference: string): boolean {
  return reference.includes(":");
}

/** The digest of `bytes` with `algorithm`. */
export function digestOf(bytes: Uint8Array, algorithm = "sha256"): Promise<string> {
  return Promise.resolve(`${algorithm}:${createHash(algorithm).update(bytes).digest("hex")}`);
}

/** Passes bytes through and errors at the end unless they match `expected` (and `size`). */
export function verifier(
  expected: string,
  size: number | undefined,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  const algorithm = parseDigest(expected);
  const hash = createHash(algorithm);
  let read = 0;
  return new TransformStream({
    transform(chunk, controller) {
      read += chunk.byteLength;
      if (size !== undefined && read > size) {
        throw new DigestMismatchError(what, expected, "(too long)", read, size);
      }
      hash.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      const actual = `${algorithm}:${hash.digest("hex")}`;
      if (actual !== expected || (size !== undefined && read !== size)) {
        throw new DigestMismatchError(what, expected, actual, read, size);
      }
    },
  });
}
