/**
 * The stream stages a blob passes through during a copy: verification, progress metering
 * with cancellation, and (de)compression, over the digest and compression modules.
 *
 * @module
 */
import { digestVerifier } from "../digest/mod.ts";
import { gunzipStream, gzipStream, zstdDecompressStream } from "../compression/mod.ts";
import { CompressionError } from "../errors.ts";
import type { LayerCompression } from "../types/mod.ts";
import { ChunkJoiner } from "../streams/mod.ts";

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
): TransformStream<Uint8Array, Uint8Array> {
  if (to === "gzip") return gzipStream();
  throw new CompressionError(what, "Unsupported", `cannot compress into ${to} here`);
}
