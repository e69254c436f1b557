/**
 * Cutting bytes into pieces of one exact size, for stages that hand pieces on (a chunked
 * upload's requests) or whose input buffer is reused once they return (a decoder's output).
 * A cutter may take pieces back once their last holder is done with them
 * (`releasePiece`) and fill them again, so a long stream of pieces does not
 * allocate (and leave for the garbage collector) a new buffer for every piece.
 *
 * @module
 */

import { lendPiece } from "./lent_pieces.ts";

/** Options of {@linkcode FixedPieces}. */
export interface FixedPiecesOptions {
  /**
   * How many released pieces the cutter keeps to fill again (see
   * `releasePiece`); 0 hands out a new buffer for every piece. @default 0
   */
  spares?: number;
}

/** Copies the bytes it is given into pieces of exactly `size` bytes (the last one shorter). */
export class FixedPieces {
  readonly #size: number;
  readonly #maxSpares: number;
  readonly #spares: Uint8Array[] = [];
  readonly #takeBack = (piece: Uint8Array) => {
    if (this.#spares.length < this.#maxSpares) this.#spares.push(piece);
  };
  /** The piece being filled: taken when the first byte arrives, not before. */
  #piece: Uint8Array | undefined;
  #used = 0;

  /** A cutter into pieces of `size` bytes. */
  constructor(size: number, options: FixedPiecesOptions = {}) {
    this.#size = size;
    this.#maxSpares = options.spares ?? 0;
  }

  /**
   * Copies `bytes` in and returns the pieces they filled (each a buffer of its own until
   * released); the rest waits for more bytes or {@linkcode FixedPieces.rest}.
   *
   * @example
   * ```ts
   * import { FixedPieces } from "./fixed_pieces.ts";
   * const cutter = new FixedPieces(4);
   * console.log(cutter.push(new Uint8Array(10)).length, cutter.rest()?.length); // 2 2
   * ```
   */
  push(bytes: Uint8Array): Uint8Array[] {
    const filled: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.byteLength) {
      const piece = this.#piece ??= this.#spares.pop() ?? new Uint8Array(this.#size);
      const n = Math.min(this.#size - this.#used, bytes.byteLength - offset);
      piece.set(bytes.subarray(offset, offset + n), this.#used);
      this.#used += n;
      offset += n;
      if (this.#used === this.#size) {
        if (this.#maxSpares > 0) lendPiece(piece, this.#takeBack);
        filled.push(piece);
        this.#piece = undefined;
        this.#used = 0;
      }
    }
    return filled;
  }

  /** The bytes of the unfilled piece, or `undefined` when there are none. */
  rest(): Uint8Array | undefined {
    if (this.#piece === undefined || this.#used === 0) return undefined;
    // Never taken back: it is shorter than a piece.
    const rest = this.#piece.subarray(0, this.#used);
    this.#piece = undefined;
    this.#used = 0;
    return rest;
  }
}
