/**
 * A stream that checks the content passing through against an expected digest and size.
 *
 * @module
 */

import { DigestMismatchError } from "../errors.ts";
import { Digest } from "./digest.ts";
import { createHasher, type HashBackend, type Hasher } from "./hasher.ts";

/** Options of {@linkcode digestVerifier}. */
export interface DigestVerifierOptions {
  /**
   * The exact number of bytes expected; more or fewer fail the stream.
   * @default {undefined} (any size)
   */
  size?: number;
  /**
   * What the content is, for the error message (e.g. a blob or a URL).
   * @default {the expected digest}
   */
  what?: string;
  /**
   * The hashing implementation.
   * @default {"auto"}
   */
  backend?: HashBackend;
}

/**
 * The check behind {@linkcode digestVerifier}, for code that reads the chunks itself (one
 * stream stage less): feed every chunk to {@linkcode DigestCheck.update}, then call
 * {@linkcode DigestCheck.finish} at the end; both throw {@linkcode DigestMismatchError}.
 *
 * @example
 * ```ts
 * import { DigestCheck } from "./digest_verifier.ts";
 * const check = new DigestCheck(
 *   "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
 *   { size: 5, what: "greeting" },
 * );
 * check.update(new TextEncoder().encode("hello"));
 * check.finish(); // throws if the bytes were not "hello"
 * ```
 */
export class DigestCheck {
  readonly #want: Digest;
  readonly #size: number | undefined;
  readonly #what: string;
  readonly #hasher: Hasher;

  /**
   * Checks bytes against `expected` (and `options.size`). A malformed `expected` throws
   * {@linkcode InvalidDigestError}; a bad size a `RangeError`.
   */
  constructor(expected: Digest | string, options: DigestVerifierOptions = {}) {
    this.#want = typeof expected === "string" ? Digest.parse(expected) : expected;
    const { size, backend } = options;
    if (size !== undefined && (!Number.isSafeInteger(size) || size < 0)) {
      throw new RangeError(`Expected size must be a non-negative integer, got ${size}`);
    }
    this.#size = size;
    this.#what = options.what ?? this.#want.toString();
    this.#hasher = createHasher({ algorithm: this.#want.algorithm, backend });
  }

  /** How many bytes were checked so far. */
  get bytesChecked(): number {
    return this.#hasher.bytesHashed;
  }

  /** Hashes `chunk`; throws as soon as more than the expected size came. */
  update(chunk: Uint8Array): void {
    this.#hasher.update(chunk);
    if (this.#size !== undefined && this.#hasher.bytesHashed > this.#size) {
      throw this.#mismatch(this.#hasher.digest());
    }
  }

  /** Throws unless the bytes fed so far have the expected digest (and size). */
  finish(): void {
    const actual = this.#hasher.digest();
    const size = this.#size;
    if (!actual.equals(this.#want) || (size !== undefined && this.#hasher.bytesHashed !== size)) {
      throw this.#mismatch(actual);
    }
  }

  #mismatch(actual: Digest): DigestMismatchError {
    return new DigestMismatchError(
      this.#what,
      this.#want.toString(),
      actual.toString(),
      this.#hasher.bytesHashed,
      this.#size,
    );
  }
}

/**
 * A pass-through stream that hashes the bytes it forwards and, at their end, errors with
 * {@linkcode DigestMismatchError} if their digest is not `expected` or their count is not
 * `size`. It errors as soon as more than `size` bytes arrive, before forwarding them.
 * A malformed `expected` string throws {@linkcode InvalidDigestError} right away.
 *
 * @example
 * ```ts
 * const blob = new Blob(["hello"]);
 * const verified = blob.stream().pipeThrough(digestVerifier(
 *   "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
 *   { size: blob.size, what: "greeting" },
 * ));
 * await new Response(verified).text(); // "hello", or a DigestMismatchError
 * ```
 */
export function digestVerifier(
  expected: Digest | string,
  options: DigestVerifierOptions = {},
): TransformStream<Uint8Array, Uint8Array> {
  const check = new DigestCheck(expected, options);
  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      check.update(chunk);
      controller.enqueue(chunk);
    },
    flush() {
      check.finish();
    },
  });
}
