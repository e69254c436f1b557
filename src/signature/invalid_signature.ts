/**
 * The reason a signature is not accepted: malformed, not verifiable, or not matching.
 * The trust policy turns it into an {@linkcode ImageRejectedError} reason; it never
 * leaves stevedore on its own.
 *
 * @module
 */

/** A signature that is invalid for the image or the keys it was checked against. */
export class InvalidSignature extends Error {
  /** Builds the reason, e.g. `Signature by key X is not accepted`. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidSignature";
  }
}
