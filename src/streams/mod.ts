/**
 * Small byte and stream utilities the other modules share: joining byte arrays, reading a
 * stream with a size limit, mapping a stream's errors, combining and linking abort signals,
 * peeking at a stream's first bytes, a stream over bytes in memory. Byte-stream helpers
 * live here and nowhere else.
 *
 * @example
 * ```ts
 * import { concatBytes, readLimited } from "./mod.ts";
 * const joined = concatBytes([new Uint8Array([1]), new Uint8Array([2, 3])]);
 * console.log(joined.length); // 3
 * console.log(await readLimited(new Blob([joined]).stream(), 2)); // undefined: too large
 * ```
 *
 * @module
 */
export { concatBytes } from "./concat_bytes.ts";
export { ChunkJoiner, coalesceChunks } from "./coalesce_chunks.ts";
export { readLimited } from "./read_limited.ts";
export { mapStreamErrors } from "./map_stream_errors.ts";
export { anySignal } from "./any_signal.ts";
export { type LinkedSignal, linkSignal } from "./linked_signal.ts";
export { peekStream } from "./peek_stream.ts";
export { sleep } from "./sleep.ts";
export { streamOf } from "./stream_of.ts";
export { FixedPieces, type FixedPiecesOptions } from "./fixed_pieces.ts";
export { lendPiece, releasePiece } from "./lent_pieces.ts";
export { type PieceReader, pieceReader, type ReadHooks } from "./piece_reader.ts";
