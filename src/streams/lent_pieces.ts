/**
 * Buffers lent out with a stream's chunks and handed back by their last holder: a stage
 * that makes many large chunks (a file reader, a decoder's piece cutter) may fill a
 * buffer again once whoever took it last is done with it, instead of allocating a new one
 * and leaving the old one to the garbage collector.
 *
 * @module
 */

/** The view each lent buffer was lent as, and who takes the buffer back, by the buffer. */
const lenders = new WeakMap<
  ArrayBufferLike,
  { offset: number; length: number; takeBack: (piece: Uint8Array) => void }
>();

/**
 * Lends `chunk`, a view of a buffer no other chunk shares (often the whole buffer; a read
 * into part of one is also fine): {@linkcode releasePiece} on that same view hands the
 * whole buffer to `takeBack` once.
 */
export function lendPiece(chunk: Uint8Array, takeBack: (piece: Uint8Array) => void): void {
  lenders.set(chunk.buffer, { offset: chunk.byteOffset, length: chunk.byteLength, takeBack });
}

/**
 * Says that `chunk`'s holder is done with it: a lent buffer goes back to its maker, which
 * may fill it again. Only the last holder of a chunk may call this (a stage that copied
 * its bytes, a sink that wrote them and keeps no reference). Only the very view that was
 * lent is taken back: a part of it may share the buffer with other parts still in use (a
 * reader that cut one read into several chunks). Any other chunk is left alone.
 *
 * @example
 * ```ts
 * import { lendPiece, releasePiece } from "./lent_pieces.ts";
 * const spares: Uint8Array[] = [];
 * const piece = new Uint8Array(4);
 * lendPiece(piece, (back) => spares.push(back));
 * releasePiece(piece.subarray(0, 2)); // a part: kept lent
 * releasePiece(piece);
 * console.log(spares.length); // 1
 * ```
 */
export function releasePiece(chunk: Uint8Array): void {
  const lent = lenders.get(chunk.buffer);
  if (
    lent === undefined || chunk.byteOffset !== lent.offset || chunk.byteLength !== lent.length
  ) return;
  lenders.delete(chunk.buffer);
  lent.takeBack(new Uint8Array(chunk.buffer));
}
