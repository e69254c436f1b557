/**
 * What a layer really is, learned from its bytes while they are being written: its
 * compression (sniffed from the magic bytes, whatever a source claims), its uncompressed
 * digest (the diff ID) and its uncompressed size. The stream being stored is decompressed
 * and hashed on the side, in the same pass, with the kernels of `src/compression` and
 * `src/digest`; containers/storage learns the same when it applies a layer.
 *
 * @example
 * ```ts
 * import { layerProbe } from "./layer_probe.ts";
 * import { gzip } from "../compression/mod.ts";
 * const probe = layerProbe("a layer");
 * const packed = gzip(new TextEncoder().encode("tar bytes"));
 * await new Blob([packed]).stream().pipeThrough(probe.stream).pipeTo(new WritableStream());
 * const facts = await probe.facts; // { compression: "gzip", diffId: "sha256:...", size: 9 }
 * ```
 *
 * @module
 */
import {
  type CompressionKind,
  decompressStream,
  gunzipSink,
  SNIFF_LENGTH,
  sniffCompression,
} from "../compression/mod.ts";
import { createHasher, digestingStream } from "../digest/mod.ts";
import type { BlobTap, ImageStore } from "./types.ts";

/** How many chunks may wait for the side decompressor. */
const SIDE_WINDOW = 16;

/** What a layer blob holds. */
export interface LayerFacts {
  /** The compression its bytes have (sniffed). */
  compression: CompressionKind;
  /** The digest of its uncompressed bytes. */
  diffId: string;
  /** The size of its uncompressed bytes. */
  size: number;
}

/** A pass-through stream that learns the {@linkcode LayerFacts} of what passes. */
export interface LayerProbe {
  /**
   * Forwards every chunk unchanged once the side decompressor has taken it (built on first
   * use; use either this or {@linkcode tap}).
   */
  readonly stream: TransformStream<Uint8Array, Uint8Array>;
  /** The same probe as an observer of a store's write (no stream stage). */
  readonly tap: BlobTap;
  /** Resolves when the stream ends; rejects if it fails. */
  readonly facts: Promise<LayerFacts>;
  /** Whether the stream has ended and `facts` is settled. */
  readonly ended: boolean;
}

/**
 * Builds a probe. `check` runs on the facts before the stream ends: throwing there fails
 * the stream, so a store writing through it keeps nothing (a diff ID that does not match).
 * Data that does not decompress fails the stream, at its end, with a `CompressionError`
 * naming `what`.
 */
export function layerProbe(what: string, check?: (facts: LayerFacts) => void): LayerProbe {
  const head = new Uint8Array(SNIFF_LENGTH);
  let headLength = 0;
  let side: Side | undefined;
  /** Chunks seen before the first bytes said which side to use. */
  let early: Uint8Array[] = [];
  let settle!: (facts: LayerFacts) => void;
  let fail!: (reason: unknown) => void;
  const facts = new Promise<LayerFacts>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  facts.catch(() => {});
  let ended = false;
  const choose = (): Side => {
    const kind = sniffCompression(head.subarray(0, headLength));
    const chosen = kind === "gzip"
      ? gzipSide(what)
      : kind === "none"
      ? plainSide()
      : streamSide(what);
    side = chosen;
    return chosen;
  };
  const abandon = (reason: unknown) => {
    ended = true;
    side?.abort(reason);
    fail(reason);
  };
  /** Feeds `chunks` in order, waiting for each feed. */
  const feedAll = async (target: Side, chunks: Uint8Array[]) => {
    for (const held of chunks) await target.feed(held);
  };
  const tap: BlobTap = {
    write(chunk) {
      if (headLength < SNIFF_LENGTH) {
        const taken = Math.min(SNIFF_LENGTH - headLength, chunk.length);
        head.set(chunk.subarray(0, taken), headLength);
        headLength += taken;
      }
      if (side === undefined && headLength < SNIFF_LENGTH) {
        early.push(chunk.slice()); // a tap keeps no chunk it was shown
        return;
      }
      const target = side ?? choose();
      if (early.length === 0) return target.feed(chunk);
      const held = early;
      early = [];
      return feedAll(target, [...held, chunk]);
    },
    async close() {
      try {
        const target = side ?? choose();
        const held = early;
        early = [];
        await feedAll(target, held);
        const { digest, size } = await target.finish();
        const learned: LayerFacts = {
          compression: sniffCompression(head.subarray(0, headLength)),
          diffId: digest,
          size,
        };
        check?.(learned);
        ended = true;
        settle(learned);
      } catch (error) {
        abandon(error);
        throw error;
      }
    },
    abort: abandon,
  };
  let stream: TransformStream<Uint8Array, Uint8Array> | undefined;
  // `cancel` is part of the Streams standard but missing from older DOM typings.
  const transformer = (): Transformer<Uint8Array, Uint8Array> & {
    cancel(reason: unknown): void;
  } => ({
    transform(chunk, controller) {
      const fed = tap.write(chunk);
      if (fed === undefined) return controller.enqueue(chunk);
      return fed.then(() => controller.enqueue(chunk));
    },
    flush: () => tap.close(),
    cancel: abandon,
  });
  return {
    get stream() {
      return stream ??= new TransformStream(transformer());
    },
    tap,
    facts,
    get ended() {
      return ended;
    },
  };
}

/**
 * Where a probe sends the stored bytes to learn the uncompressed digest and size. A
 * decompression error waits for `finish`, so that a store's digest check (upstream)
 * reports altered bytes as what they are.
 */
interface Side {
  feed(chunk: Uint8Array): Promise<void> | void;
  finish(): Promise<{ digest: string; size: number }>;
  abort(reason: unknown): void;
}

/**
 * gzip (nearly every layer): the WASM decoder hashes what it decodes in place, in the
 * same call, with no output chunk allocated (less garbage: a lower peak RSS); it copies
 * what it is fed before `feed` returns.
 */
function gzipSide(what: string): Side {
  const hasher = createHasher();
  let error: { error: unknown } | undefined;
  const sink = gunzipSink(what, (bytes) => hasher.update(bytes));
  const stop = () => {
    try {
      sink.close();
    } catch {
      // Released already.
    }
  };
  return {
    feed(chunk) {
      if (error !== undefined) return;
      try {
        sink.write(chunk);
      } catch (caught) {
        error = { error: caught };
      }
    },
    finish() {
      try {
        if (error !== undefined) throw error.error;
        sink.end();
        return Promise.resolve({ digest: hasher.digest().toString(), size: hasher.bytesHashed });
      } catch (caught) {
        return Promise.reject(caught);
      } finally {
        stop();
      }
    },
    abort: stop,
  };
}

/** Uncompressed data: hashed as it passes, in place. */
function plainSide(): Side {
  const hasher = createHasher();
  return {
    feed(chunk) {
      hasher.update(chunk);
    },
    finish() {
      return Promise.resolve({ digest: hasher.digest().toString(), size: hasher.bytesHashed });
    },
    abort() {},
  };
}

/**
 * Any other data: the `auto` decompression stream, not waited for chunk by chunk (up to
 * SIDE_WINDOW chunks in flight, so the stored stream keeps flowing while it works). It is
 * fed copies: the chunks it is shown may be filled again once written.
 */
function streamSide(what: string): Side {
  const inflate = decompressStream("auto", { what });
  const tap = digestingStream();
  const drained = inflate.readable.pipeThrough(tap).pipeTo(new WritableStream());
  drained.catch(() => {});
  const writer = inflate.writable.getWriter();
  let error: { error: unknown } | undefined;
  const inFlight: Promise<void>[] = [];
  return {
    async feed(chunk) {
      if (error !== undefined) return;
      inFlight.push(
        writer.write(chunk.slice()).catch((caught) => {
          error ??= { error: caught };
        }),
      );
      if (inFlight.length >= SIDE_WINDOW) await inFlight.shift();
    },
    async finish() {
      await Promise.all(inFlight);
      if (error !== undefined) throw error.error;
      await writer.close();
      await drained;
      const { digest, size } = await tap.result;
      return { digest: digest.toString(), size };
    },
    abort(reason) {
      writer.abort(reason).catch(() => {});
    },
  };
}

/** Learns the facts of a layer already in `store` (one read of the blob). */
export async function probeStoredLayer(store: ImageStore, digest: string): Promise<LayerFacts> {
  const probe = layerProbe(digest);
  await (await store.readBlob(digest)).pipeThrough(probe.stream).pipeTo(new WritableStream());
  return await probe.facts;
}

/** The compression of a stored blob, sniffed from its first bytes. */
export async function sniffStoredBlob(store: ImageStore, digest: string): Promise<CompressionKind> {
  const reader = (await store.readBlob(digest)).getReader();
  const head = new Uint8Array(SNIFF_LENGTH);
  let length = 0;
  try {
    while (length < SNIFF_LENGTH) {
      const { done, value } = await reader.read();
      if (done) break;
      const taken = Math.min(SNIFF_LENGTH - length, value.length);
      head.set(value.subarray(0, taken), length);
      length += taken;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return sniffCompression(head.subarray(0, length));
}
