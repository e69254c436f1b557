/**
 * The stream stages a blob passes through during a copy: verification, progress metering
 * with cancellation, (de)compression and hashing of new content.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { CompressionError, DigestMismatchError } from "../errors.ts";
import type { LayerCompression } from "../types/mod.ts";

/** The `sha256:<hex>` digest of `bytes`. */
export function sha256Bytes(bytes: Uint8Array): string {
  return `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
}

/** A stage that checks the bytes passing through against `expected` (and `size` if >= 0). */
export function verifier(
  expected: string,
  size: number,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  const [algorithm] = expected.split(":");
  const hash = createHash(algorithm === "sha512" ? "sha512" : "sha256");
  let read = 0;
  return new TransformStream({
    transform(chunk, controller) {
      read += chunk.length;
      if (size >= 0 && read > size) {
        controller.error(new DigestMismatchError(what, expected, "(too long)", read, size));
        return;
      }
      hash.update(chunk);
      controller.enqueue(chunk);
    },
    flush(controller) {
      const actual = `${algorithm}:${hash.digest("hex")}`;
      if (actual !== expected || (size >= 0 && read !== size)) {
        controller.error(
          new DigestMismatchError(what, expected, actual, read, size >= 0 ? size : undefined),
        );
      }
    },
  });
}

/** A pass-through stage that hashes (SHA-256) and counts what flows through it. */
export function hasher(): {
  stream: TransformStream<Uint8Array, Uint8Array>;
  result: () => { digest: string; size: number };
} {
  const hash = createHash("sha256");
  let size = 0;
  let digest = "";
  const stream = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      hash.update(chunk);
      size += chunk.length;
      controller.enqueue(chunk);
    },
    flush() {
      digest = `sha256:${hash.digest("hex")}`;
    },
  });
  return { stream, result: () => ({ digest, size }) };
}

/**
 * A pass-through stage that reports the running byte count and errors as soon as `signal`
 * aborts (even while the upstream stalls).
 */
export function meter(
  onBytes: (total: number) => void,
  signal: AbortSignal | undefined,
): TransformStream<Uint8Array, Uint8Array> {
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
      controller.enqueue(chunk);
    },
    flush() {
      if (onAbort) signal?.removeEventListener("abort", onAbort);
    },
  });
}

/** A stage that decompresses `from`, named `what` in errors. */
export function decompressor(
  from: LayerCompression,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  if (from === "gzip") {
    return new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
  }
  throw new CompressionError(what, "Unsupported", `cannot decompress ${from} here`);
}

/** A stage that compresses into `to`, named `what` in errors. */
export function compressor(
  to: LayerCompression,
  what: string,
): TransformStream<Uint8Array, Uint8Array> {
  if (to === "gzip") {
    return new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>;
  }
  throw new CompressionError(what, "Unsupported", `cannot compress into ${to} here`);
}
