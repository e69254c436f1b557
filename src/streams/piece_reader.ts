/**
 * A reader that hands a stream's bytes on in pieces of a chosen size where the stream has
 * a byte source (`type: "bytes"`, as Deno's `fetch` bodies): it reads into a buffer of
 * its own (BYOB reads, no buffer allocated per read) and gathers the reads into pieces, so
 * a download reaches the stages after it as a few large chunks instead of thousands of
 * small fresh ones (fewer steps per stream stage, fewer allocations). Other streams are
 * read as they come. A read that fails after part of a piece came hands that part on
 * first, and fails the next read. Pieces are lent (see `releasePiece`): one its last
 * holder hands back is filled again by a later read, of this stream or another.
 *
 * @example
 * ```ts
 * import { pieceReader } from "./piece_reader.ts";
 * const body = new Response(new Uint8Array(100_000)).body!;
 * const reader = pieceReader(body, 64 * 1024);
 * const first = await reader.read(); // up to 64 KiB: a piece, or a chunk as it came
 * console.log(first.done ? 0 : first.value.length);
 * ```
 *
 * @module
 */
import { lendPiece } from "./lent_pieces.ts";

/** What a {@linkcode pieceReader} offers: the reads and the cancel of a stream reader. */
export interface PieceReader {
  /** The next piece (or chunk), or `done` once the stream has ended. */
  read(): Promise<ReadableStreamReadResult<Uint8Array>>;
  /** Cancels the stream. */
  cancel(reason?: unknown): Promise<void>;
}

/** Calls around each read of the underlying stream (a watchdog over reads that stall). */
export interface ReadHooks {
  /** A read of the underlying stream starts. */
  begin(): void;
  /** It ended (with data, at the end, or failing). */
  end(): void;
}

/**
 * Reads `stream` in pieces of `size` bytes (the last one shorter) where it has a byte
 * source, else chunk by chunk; `hooks` run around every read of `stream`. A final piece
 * of less than a quarter of `size` is copied out, so it does not pin a whole piece.
 */
export function pieceReader(
  stream: ReadableStream<Uint8Array>,
  size: number,
  hooks?: ReadHooks,
): PieceReader {
  const byob = byobReader(stream);
  if (byob === undefined) {
    const reader = stream.getReader();
    return {
      async read() {
        hooks?.begin();
        try {
          return await reader.read();
        } finally {
          hooks?.end();
        }
      },
      cancel: (reason) => reader.cancel(reason),
    };
  }
  // Reads land in one buffer of our own (each read hands it back) and are copied into the
  // piece: a piece cut short by a failure still holds what came before it, where a read
  // that fails does not give back the buffer it was lent.
  let landing = new ArrayBuffer(size);
  let ended = false;
  let failure: { error: unknown } | undefined;
  return {
    async read() {
      if (failure !== undefined) throw failure.error;
      if (ended) return { done: true, value: undefined };
      const piece = takePiece(size);
      let filled = 0;
      while (filled < size) {
        hooks?.begin();
        let result: ReadableStreamReadResult<Uint8Array>;
        try {
          result = await byob.read(new Uint8Array(landing, 0, size - filled));
        } catch (error) {
          if (filled === 0) throw error;
          failure = { error };
          break;
        } finally {
          hooks?.end();
        }
        // No view comes back when the stream was cancelled: it has ended.
        if (result.value === undefined) {
          ended = true;
          break;
        }
        landing = result.value.buffer as ArrayBuffer;
        piece.set(result.value, filled);
        filled += result.value.byteLength;
        if (result.done) {
          ended = true;
          break;
        }
      }
      if (filled === 0) {
        givePiece(piece);
        return { done: true, value: undefined };
      }
      if (filled * 4 < size) {
        const bytes = piece.slice(0, filled);
        givePiece(piece);
        return { done: false, value: bytes };
      }
      lendPiece(piece, givePiece);
      return { done: false, value: piece.subarray(0, filled) };
    },
    cancel: (reason) => byob.cancel(reason),
  };
}

/** How many released pieces of each size are kept to fill again (8 of 512 KiB: 4 MiB). */
const SPARES_PER_SIZE = 8;

/** Released pieces, by size: filling one costs no fresh memory (page faults, zeroing). */
const spares = new Map<number, Uint8Array[]>();

/** A piece of `size` bytes: a released one if there is one. */
function takePiece(size: number): Uint8Array {
  return spares.get(size)?.pop() ?? new Uint8Array(size);
}

/** Keeps `piece` (a whole buffer) for a later read, unless enough are kept. */
function givePiece(piece: Uint8Array): void {
  let list = spares.get(piece.byteLength);
  if (list === undefined) spares.set(piece.byteLength, list = []);
  if (list.length < SPARES_PER_SIZE) list.push(piece);
}

/** A BYOB reader of `stream`, or `undefined` when it has no byte source. */
function byobReader(stream: ReadableStream<Uint8Array>): ReadableStreamBYOBReader | undefined {
  try {
    return stream.getReader({ mode: "byob" });
  } catch {
    return undefined;
  }
}
