/**
 * Web streams over `node:zlib` (zlib proper on Node and Bun, Deno's built-in binding on
 * Deno), with zlib's errors turned into CompressionError.
 *
 * @module
 */

import { CompressionError, type CompressionErrorReason } from "../errors.ts";
import { requireZlib } from "./_backend.ts";

const MESSAGES: Array<[string, CompressionErrorReason]> = [
  ["unknown compression method", "BadHeader"],
  ["unknown header flags", "BadHeader"],
  ["header crc mismatch", "BadChecksum"],
  ["incorrect data check", "BadChecksum"],
  ["incorrect length check", "BadLength"],
  ["unexpected end of file", "Truncated"],
];

/**
 * The CompressionError for an error thrown by `node:zlib`. `afterFirstMember` says the
 * data began with a gzip magic, so a later "incorrect header check" is trailing garbage.
 */
export function zlibError(
  what: string,
  error: unknown,
  afterFirstMember: boolean,
): CompressionError {
  if (error instanceof CompressionError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const lower = message.toLowerCase();
  let reason: CompressionErrorReason = "BadBlock";
  if (lower.includes("incorrect header check")) {
    reason = afterFirstMember ? "TrailingGarbage" : "BadHeader";
  } else {
    for (const [text, mapped] of MESSAGES) {
      if (lower.includes(text)) {
        reason = mapped;
        break;
      }
    }
  }
  return new CompressionError(what, reason, message, { cause: error });
}

/** What a `node:zlib` stream does. */
export type ZlibMode = "gunzip" | "inflateRaw" | "gzip";

/**
 * A transform stream backed by a `node:zlib` stream; errors name the data `what`. For
 * `"gzip"`, `level` is the compression level.
 */
export function zlibStream(
  mode: ZlibMode,
  what: string,
  level = 6,
): TransformStream<Uint8Array, Uint8Array> {
  const chunkSize = 128 * 1024;
  const zlib = requireZlib();
  const engine = mode === "gunzip"
    ? zlib.createGunzip({ chunkSize })
    : mode === "inflateRaw"
    ? zlib.createInflateRaw({ chunkSize })
    : zlib.createGzip({ level, chunkSize });
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let failure: unknown;
  let rejectPending: ((error: unknown) => void) | undefined;
  let magicSeen = mode === "gunzip" ? 0 : 2;
  // zlib stops quietly at the end of the data (gunzip: at a zero byte after a member), so
  // whatever follows is checked here: raw DEFLATE allows nothing, gzip only zero bytes.
  let ended!: () => void;
  const end = new Promise<void>((resolve) => (ended = resolve));
  let written = 0;
  let endOfNonZero = 0;

  const fail = (error: unknown, fromZlib = true) => {
    if (failure !== undefined) return;
    failure = fromZlib ? zlibError(what, error, magicSeen >= 2) : error;
    try {
      controller.error(failure);
    } catch { /* already closed */ }
    rejectPending?.(failure);
    engine.destroy();
  };
  engine.on("error", fail);

  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      engine.on("data", (chunk: Uint8Array) => {
        if (failure !== undefined) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) engine.pause();
      });
      engine.on("end", () => ended());
    },
    pull() {
      engine.resume();
    },
    cancel(reason) {
      failure ??= reason ?? new TypeError("Cannot write to a cancelled stream");
      rejectPending?.(failure);
      engine.destroy();
    },
  }, { highWaterMark: 1 });

  const settle = (start: (done: (error?: unknown) => void) => void) =>
    new Promise<void>((resolve, reject) => {
      if (failure !== undefined) return reject(failure);
      rejectPending = reject;
      start((error) => {
        rejectPending = undefined;
        if (failure !== undefined) reject(failure);
        else if (error) reject(zlibError(what, error, magicSeen >= 2));
        else resolve();
      });
    });

  const writable = new WritableStream<Uint8Array>({
    write(chunk) {
      // Check the magic ourselves: zlib reports bad magic and garbage after a member alike.
      for (let i = 0; magicSeen < 2 && i < chunk.length; i++, magicSeen++) {
        if (chunk[i] !== (magicSeen === 0 ? 0x1f : 0x8b)) {
          fail(new CompressionError(what, "BadHeader", "not gzip data (bad magic number)"));
          return Promise.reject(failure);
        }
      }
      let last = chunk.length;
      while (last > 0 && chunk[last - 1] === 0) last--;
      if (last > 0) endOfNonZero = written + last;
      written += chunk.length;
      return settle((done) => engine.write(chunk, done));
    },
    async close() {
      await settle((done) => {
        engine.once("finish", () => done());
        engine.end();
      });
      const used = engine.bytesWritten;
      if (mode !== "gzip" && (mode === "gunzip" ? endOfNonZero : written) > used) {
        const detail = "unexpected bytes after the end of the data";
        fail(new CompressionError(what, "TrailingGarbage", detail));
        throw failure;
      }
      await end;
      if (failure !== undefined) throw failure;
      controller.close();
    },
    abort(reason) {
      fail(reason, false);
    },
  }, { highWaterMark: 1 });

  return { readable, writable };
}
