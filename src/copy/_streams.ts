/**
 * The stream stages a blob passes through during a copy: verification, progress metering
 * with cancellation, and (de)compression, over the digest and compression modules.
 *
 * @module
 */
import { createHasher, Digest, digestVerifier } from "../digest/mod.ts";
import {
  autoInflateBackend,
  gunzipSink,
  gunzipStream,
  gzipStream,
  zstdDecompressStream,
} from "../compression/mod.ts";
import { DigestMismatchError } from "../errors.ts";
import { CompressionError } from "../errors.ts";
import type { LayerCompression } from "../types/mod.ts";
import { ChunkJoiner, FixedPieces, releasePiece } from "../streams/mod.ts";

/** A stage that checks the bytes passing through against `expected` (and `size` if >= 0). */
export function verifier(
  expected: string,
  size: number,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  return digestVerifier(expected, { size: size >= 0 ? size : undefined, what });
}

/**
 * A pass-through stage that reports the running byte count of every chunk as it arrives
 * and errors as soon as `signal` aborts (even while the upstream stalls). With `joinBytes`,
 * it hands chunks on joined into pieces of at least that size (see `ChunkJoiner`).
 */
export function meter(
  onBytes: (total: number) => void,
  signal: AbortSignal | undefined,
  joinBytes = 0,
): TransformStream<Uint8Array, Uint8Array> {
  const joiner = joinBytes > 0 ? new ChunkJoiner(joinBytes) : undefined;
  let total = 0;
  let onAbort: (() => void) | undefined;
  return new TransformStream({
    start(controller) {
      if (signal === undefined) return;
      if (signal.aborted) return controller.error(signal.reason);
      onAbort = () => controller.error(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
    },
    transform(chunk, controller) {
      total += chunk.length;
      onBytes(total);
      const piece = joiner === undefined ? chunk : joiner.push(chunk);
      if (piece !== undefined) controller.enqueue(piece);
    },
    flush(controller) {
      if (onAbort) signal?.removeEventListener("abort", onAbort);
      const rest = joiner?.flush();
      if (rest !== undefined) controller.enqueue(rest);
    },
  });
}

/**
 * `stream` metered like {@linkcode meter} does, with the failures of its reads passed
 * through `mapError`: the one stage a blob read from a source goes through (a metering
 * transform after an error-mapping stream would be two, each with a promise and a queue
 * per chunk).
 */
export function meteredSource(
  stream: ReadableStream<Uint8Array>,
  onBytes: (total: number) => void,
  signal: AbortSignal | undefined,
  joinBytes: number,
  mapError: (error: unknown) => unknown = (error) => error,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  const joiner = new ChunkJoiner(joinBytes);
  let total = 0;
  let stopped = false;
  let onAbort: (() => void) | undefined;
  const stop = () => {
    stopped = true;
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<Uint8Array>({
    start(controller) {
      if (signal === undefined) return;
      onAbort = () => {
        stop();
        reader.cancel(signal.reason).catch(() => {});
        controller.error(signal.reason);
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      while (!stopped) {
        let next: ReadableStreamReadResult<Uint8Array>;
        try {
          next = await reader.read();
        } catch (error) {
          if (stopped) return;
          stop();
          return controller.error(mapError(error));
        }
        if (stopped) return;
        if (next.done) {
          stop();
          const rest = joiner.flush();
          if (rest !== undefined) controller.enqueue(rest);
          return controller.close();
        }
        total += next.value.length;
        onBytes(total);
        const piece = joiner.push(next.value);
        if (piece !== undefined) return controller.enqueue(piece);
      }
    },
    cancel(reason) {
      stop();
      return reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
}

/** A stage that decompresses `from`, named `what` in errors. */
export function decompressor(
  from: LayerCompression,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  if (from === "gzip") return gunzipStream({ what });
  if (from === "zstd") return zstdDecompressStream({ what });
  throw new CompressionError(what, "Unsupported", `cannot decompress ${from} here`);
}

/** A stage that compresses into `to`, named `what` in errors. */
export function compressor(
  to: LayerCompression,
  what: string,
  level?: number,
): TransformStream<Uint8Array, Uint8Array> {
  if (to === "gzip") return gzipStream({ level });
  throw new CompressionError(what, "Unsupported", `cannot compress into ${to} here`);
}

/** The size of the pieces {@linkcode inflatingVerifier} hands on. */
const INFLATED_PIECE = 256 * 1024;

/** How many released pieces {@linkcode inflatingVerifier} keeps to fill again. */
const INFLATED_SPARES = 16;

/**
 * Whether {@linkcode inflatingVerifier} is the faster way to decompress and check gzip
 * here: where the WASM kernel is the runtime's decoder anyway (Node, Bun).
 */
export function prefersInflatingVerifier(): boolean {
  return autoInflateBackend() === "wasm";
}

/**
 * One stage that decompresses gzip (the WASM kernel) and checks the result against
 * `expected` (and `size` if >= 0): it decodes into the hasher and into pieces of
 * {@linkcode INFLATED_PIECE} bytes in the same call, with no stream stage between the two
 * (a decompressor and a {@linkcode verifier} otherwise).
 */
export function inflatingVerifier(
  expected: string,
  size: number,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  const want = Digest.parse(expected);
  const hasher = createHasher({ algorithm: want.algorithm });
  let controller!: TransformStreamDefaultController<Uint8Array>;
  // Pieces a sink releases once written (a tar writer into a file) are filled again; a
  // small blob gets pieces of its own size.
  const piece = size > 0 ? Math.min(size, INFLATED_PIECE) : INFLATED_PIECE;
  const cutter = new FixedPieces(piece, { spares: INFLATED_SPARES });
  const mismatch = (actual: Digest) =>
    new DigestMismatchError(
      what,
      expected,
      actual.toString(),
      hasher.bytesHashed,
      size >= 0 ? size : undefined,
    );
  const sink = gunzipSink(what, (bytes) => {
    hasher.update(bytes);
    if (size >= 0 && hasher.bytesHashed > size) throw mismatch(hasher.digest());
    for (const piece of cutter.push(bytes)) controller.enqueue(piece);
  });
  let released = false;
  const release = () => {
    if (!released) sink.close();
    released = true;
  };
  const transformer: Transformer<Uint8Array, Uint8Array> & { cancel(): void } = {
    start(c) {
      controller = c;
    },
    transform(chunk) {
      try {
        sink.write(chunk);
      } catch (error) {
        release();
        throw error;
      }
      // The kernel copied the bytes: a lent buffer (a file's read) may be filled again.
      releasePiece(chunk);
    },
    flush() {
      try {
        sink.end();
      } finally {
        release();
      }
      const rest = cutter.rest();
      if (rest !== undefined) controller.enqueue(rest);
      const actual = hasher.digest();
      if (!actual.equals(want) || (size >= 0 && hasher.bytesHashed !== size)) {
        throw mismatch(actual);
      }
    },
    cancel: release,
  };
  return new TransformStream(transformer);
}
