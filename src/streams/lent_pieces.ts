/**
 * Buffers lent out with a stream's chunks and handed back by their last holder: a stage
 * that makes many large chunks (a file reader, a decoder's piece cutter) may fill a
 * buffer again once whoever took it last is done with it, instead of allocating a new one
 * and leaving the old one to the garbage collector.
 *
 * @module
 */

/** Takes back each lent buffer (to its maker), by the buffer. */
const lenders = new WeakMap<ArrayBufferLike, (piece: Uint8Array) => void>();

/**
 * Lends `piece` (a whole buffer): {@linkcode releasePiece} on it (or on another view of
 * its whole buffer) hands it to `takeBack` once.
 */
export function lendPiece(piece: Uint8Array, takeBack: (piece: Uint8Array) => void): void {
  lenders.set(piece.buffer, takeBack);
}

/**
 * Says that `chunk`'s holder is done with it: a lent buffer goes back to its maker, which
 * may fill it again. Only the last holder of a chunk may call this (a stage that copied
 * its bytes, a sink that wrote them and keeps no reference). Only a chunk that spans its
 * whole buffer is taken back: a view of part of one may share it with other views still
 * in use (a reader that cut one read into several chunks). Any other chunk is left alone.
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
  if (chunk.byteOffset !== 0 || chunk.byteLength !== chunk.buffer.byteLength) return;
  const takeBack = lenders.get(chunk.buffer);
  if (takeBack === undefined) return;
  lenders.delete(chunk.buffer);
  takeBack(new Uint8Array(chunk.buffer));
}
