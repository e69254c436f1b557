/**
 * The `Digest` value type: a content digest `algorithm:hex` as used by OCI and Docker.
 *
 * @module
 */

import { InvalidDigestError } from "../errors.ts";

/** The digest algorithms stevedore computes and accepts: those go-digest registers. */
export type DigestAlgorithm = "sha256" | "sha384" | "sha512";

/** Each supported algorithm with the length of its hex encoding. */
export const DIGEST_HEX_LENGTHS: Readonly<Record<DigestAlgorithm, number>> = Object.freeze({
  sha256: 64,
  sha384: 96,
  sha512: 128,
});

// The OCI grammar: algorithm-component (separator algorithm-component)* ":" encoded.
const ALGORITHM = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*$/;
const ENCODED = /^[a-zA-Z0-9=_-]+$/;
const LOWER_HEX = /^[0-9a-f]+$/;
/** Two lowercase hex characters for each byte value. */
const HEX_BYTES: readonly string[] = Array.from(
  { length: 256 },
  (_, i) => i.toString(16).padStart(2, "0"),
);

/** Whether `name` is one of the {@linkcode DigestAlgorithm}s. */
export function isDigestAlgorithm(name: string): name is DigestAlgorithm {
  return Object.hasOwn(DIGEST_HEX_LENGTHS, name);
}

/**
 * A validated content digest, e.g. `sha256:e3b0c442...b855`: a supported algorithm and
 * the lowercase hex encoding of the hash, of the right length.
 *
 * @example
 * ```ts
 * const digest = Digest.parse(
 *   "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
 * );
 * digest.algorithm; // "sha256"
 * ```
 */
export class Digest {
  /** The hash algorithm. */
  readonly algorithm: DigestAlgorithm;
  /** The hash as lowercase hex. */
  readonly hex: string;

  private constructor(algorithm: DigestAlgorithm, hex: string) {
    this.algorithm = algorithm;
    this.hex = hex;
  }

  /**
   * Parses `algorithm:hex`; throws {@linkcode InvalidDigestError} (with a `reason`) when
   * the text is malformed, names an unsupported algorithm, or has a hex part of the wrong
   * length or with characters other than lowercase hex.
   */
  static parse(text: string): Digest {
    const colon = text.indexOf(":");
    if (colon < 0) {
      throw new InvalidDigestError(text, "InvalidFormat", 'expected "algorithm:hex"');
    }
    const algorithm = text.slice(0, colon);
    const hex = text.slice(colon + 1);
    if (!ALGORITHM.test(algorithm)) {
      throw new InvalidDigestError(text, "InvalidFormat", "the algorithm part is malformed");
    }
    if (!ENCODED.test(hex)) {
      throw new InvalidDigestError(text, "InvalidFormat", "the encoded part is malformed");
    }
    return Digest.from(algorithm, hex, text);
  }

  /**
   * Builds a digest from an algorithm name and its hex encoding, with the checks of
   * {@linkcode Digest.parse}; `input` is the text named in errors.
   */
  static from(algorithm: string, hex: string, input = `${algorithm}:${hex}`): Digest {
    if (!isDigestAlgorithm(algorithm)) {
      throw new InvalidDigestError(
        input,
        "UnsupportedAlgorithm",
        `unsupported algorithm "${algorithm}" (supported: sha256, sha384, sha512)`,
      );
    }
    const want = DIGEST_HEX_LENGTHS[algorithm];
    if (hex.length !== want) {
      throw new InvalidDigestError(
        input,
        "InvalidLength",
        `a ${algorithm} digest has ${want} hex characters, not ${hex.length}`,
      );
    }
    if (!LOWER_HEX.test(hex)) {
      throw new InvalidDigestError(
        input,
        "InvalidHex",
        "the hex part must be lowercase hexadecimal (0-9, a-f)",
      );
    }
    return new Digest(algorithm, hex);
  }

  /** Builds the digest of `algorithm` whose hash is `bytes`. */
  static fromBytes(algorithm: DigestAlgorithm, bytes: Uint8Array): Digest {
    let hex = "";
    for (const byte of bytes) hex += HEX_BYTES[byte];
    return Digest.from(algorithm, hex);
  }

  /** Whether `text` parses as a supported digest. */
  static isValid(text: string): boolean {
    try {
      Digest.parse(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether `other` (a digest or its text form) is the same digest. */
  equals(other: Digest | string): boolean {
    return typeof other === "string"
      ? other === this.toString()
      : other.algorithm === this.algorithm && other.hex === this.hex;
  }

  /** The text form, `algorithm:hex`. */
  toString(): string {
    return `${this.algorithm}:${this.hex}`;
  }

  /** The text form, so digests serialize as strings in JSON. */
  toJSON(): string {
    return this.toString();
  }
}
