/**
 * The caps of one load or import: how many bytes it may take in and how many images an
 * archive may hold, and the meter that enforces the byte cap.
 *
 * @module
 */
import { TooLargeError } from "../errors.ts";

/**
 * The default byte cap of one load or import: 64 GiB. It applies on its own to the bytes
 * of an upload (a stream) and to the uncompressed bytes the payload expands to.
 */
export const DEFAULT_MAX_LOAD_BYTES = 64 * 1024 ** 3;

/** The default cap on images one archive may hold (each name of an image counts): 1000. */
export const DEFAULT_MAX_LOAD_IMAGES = 1000;

/** The caps of one load or import. */
export interface LoadLimits {
  /** The byte cap (see {@linkcode DEFAULT_MAX_LOAD_BYTES}). */
  maxBytes: number;
  /** The image cap (see {@linkcode DEFAULT_MAX_LOAD_IMAGES}). */
  maxImages: number;
}

/** Checks a cap given by a caller: a positive integer (or `Infinity`). */
export function checkLimit(name: string, value: number): number {
  if (!(value > 0) || (!Number.isInteger(value) && value !== Infinity)) {
    throw new RangeError(`${name} must be a positive integer, not ${value}`);
  }
  return value;
}

/** The caps of a load or import: the options', else the runtime's, else the defaults. */
export function loadLimits(
  runtime: { maxLoadBytes?: number; maxLoadImages?: number },
  options: { maxBytes?: number; maxImages?: number },
): LoadLimits {
  return {
    maxBytes: checkLimit(
      "maxBytes",
      options.maxBytes ?? runtime.maxLoadBytes ?? DEFAULT_MAX_LOAD_BYTES,
    ),
    maxImages: checkLimit(
      "maxImages",
      options.maxImages ?? runtime.maxLoadImages ?? DEFAULT_MAX_LOAD_IMAGES,
    ),
  };
}

/** Counts bytes against a cap; `take` throws a `TooLargeError` naming the input beyond it. */
export class ByteBudget {
  readonly #what: string;
  readonly #limit: number;
  #used = 0;

  /** A budget of `limit` bytes for the input `what`. */
  constructor(what: string, limit: number) {
    this.#what = what;
    this.#limit = limit;
  }

  /** The bytes counted so far. */
  get used(): number {
    return this.#used;
  }

  /** Counts `bytes` (of `entry`, when known); throws once the cap is passed. */
  take(bytes: number, entry?: string): void {
    this.#used += bytes;
    if (this.#used > this.#limit) {
      const input = entry === undefined ? this.#what : `${this.#what}/${entry}`;
      throw new TooLargeError(input, this.#limit, `more than ${this.#limit} bytes`);
    }
  }

  /** A pass-through stream that counts every chunk. */
  meter(): TransformStream<Uint8Array, Uint8Array> {
    return new TransformStream<Uint8Array, Uint8Array>({
      transform: (chunk, controller) => {
        this.take(chunk.length);
        controller.enqueue(chunk);
      },
    });
  }
}
