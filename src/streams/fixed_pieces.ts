/**
 * Cutting bytes into pieces of one exact size, for stages that hand pieces on (a chunked
 * upload's requests) or whose input buffer is reused once they return (a decoder's output).
 *
 * @module
 */

/** Copies the bytes it is given into pieces of exactly `size` bytes (the last one shorter). */
export class FixedPieces {
  readonly #size: number;
  #piece: Uint8Array;
  #used = 0;

  /** A cutter into pieces of `size` bytes. */
  constructor(size: number) {
    this.#size = size;
    this.#piece = new Uint8Array(size);
  }

  /**
   * Copies `bytes` in and returns the pieces they filled (each a new buffer); the rest
   * waits for more bytes or {@linkcode FixedPieces.rest}.
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
      const n = Math.min(this.#size - this.#used, bytes.byteLength - offset);
      this.#piece.set(bytes.subarray(offset, offset + n), this.#used);
      this.#used += n;
      offset += n;
      if (this.#used === this.#size) {
        filled.push(this.#piece);
        this.#piece = new Uint8Array(this.#size);
        this.#used = 0;
      }
    }
    return filled;
  }

  /** The bytes of the unfilled piece, or `undefined` when there are none. */
  rest(): Uint8Array | undefined {
    if (this.#used === 0) return undefined;
    const rest = this.#piece.subarray(0, this.#used);
    this.#piece = new Uint8Array(this.#size);
    this.#used = 0;
    return rest;
  }
}
