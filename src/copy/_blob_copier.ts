/**
 * Copies blobs from a source to a destination: skips what the destination has, verifies
 * every byte read, changes compression on the way (spooling to a temporary file when the
 * new digest is not known in advance), reports progress and retries transient failures.
 * Each blob is copied once per copy, however many manifests refer to it.
 *
 * @module
 */
import { hostTmpDir, temporaryName } from "../fs/mod.ts";
import { InvalidManifestError } from "../errors.ts";
import type {
  BlobInfo,
  ImageDestination,
  ImageSource,
  TransportContext,
} from "../transports/types.ts";
import type { Descriptor, LayerCompression } from "../types/mod.ts";
import type { CopyProgressEvent } from "./copy_options.ts";
import {
  compressor,
  decompressor,
  inflatingVerifier,
  meter,
  meteredSource,
  prefersInflatingVerifier,
  verifier,
} from "./_streams.ts";
import { digestingStream } from "../digest/mod.ts";
import { linkSignal } from "../streams/mod.ts";
import { markFinal, withRetries } from "./_tasks.ts";

/**
 * Blob bytes reach the hashing and decompressing stages in chunks of at least this size
 * (progress and cancellation still see every chunk as it arrives).
 */
const COALESCE_BYTES = 64 * 1024;

/**
 * Runs one attempt under a signal of its own that follows `signal` only while the attempt
 * runs: what the attempt's streams hang on it (a meter's abort listener that a failed or
 * cancelled stream never removes) cannot pile up on the copy's long-lived signal.
 */
async function attempt<T>(
  signal: AbortSignal | undefined,
  run: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const link = linkSignal(signal);
  try {
    return await run(link.signal);
  } finally {
    link.dispose();
  }
}

/** How one blob is to be written. */
export interface BlobPlan {
  /** The compression the source blob has, or `undefined` for a blob copied as it is. */
  from: LayerCompression | undefined;
  /** The compression to write; equal to `from` (or `undefined`) to copy as it is. */
  to: LayerCompression | undefined;
  /** The media type of the written blob. */
  mediaType: string;
  /** The digest the written blob will have, when known beforehand (a diff ID). */
  knownDigest?: string;
}

/** Whether a blob copied as `plan` says gets other bytes (and digest) than the source's. */
export function changesBytes(plan: BlobPlan): boolean {
  return plan.from !== undefined && plan.to !== undefined && plan.from !== plan.to;
}

/** What a {@linkcode BlobCopier} needs. */
export interface BlobCopierOptions {
  /** Where blobs are read. */
  source: ImageSource;
  /** Where blobs are written. */
  destination: ImageDestination;
  /** The file system and temporary directory for spooled blobs. */
  context: TransportContext;
  /** Receives progress events. */
  onProgress?: (event: CopyProgressEvent) => void;
  /** Retries of a failed blob. */
  retries: number;
  /** The pause before each retry, in milliseconds. */
  retryDelayMs: number;
  /** The gzip level of layers this copy compresses. @default 6 */
  compressionLevel?: number;
}

/** Copies the blobs of one copy operation. */
export class BlobCopier {
  readonly #options: BlobCopierOptions;
  readonly #done = new Map<string, Promise<Descriptor>>();

  /** Builds a copier between `options.source` and `options.destination`. */
  constructor(options: BlobCopierOptions) {
    this.#options = options;
  }

  /** Copies `blob` as `plan` says; resolves to its descriptor at the destination. */
  copy(blob: Descriptor, plan: BlobPlan, signal?: AbortSignal): Promise<Descriptor> {
    const key = `${blob.digest}>${plan.to ?? "same"}>${plan.mediaType}`;
    let pending = this.#done.get(key);
    if (pending === undefined) {
      pending = this.#copy(blob, plan, signal);
      this.#done.set(key, pending);
      pending.catch(() => this.#done.delete(key));
    }
    return pending;
  }

  /** Copies a small blob that has been read (and verified) into memory already. */
  async putBytes(blob: Descriptor, bytes: Uint8Array, signal?: AbortSignal): Promise<void> {
    const { destination } = this.#options;
    if (await destination.hasBlob(blob)) return this.#emit("blob-skipped", blob, 0);
    this.#emit("blob-start", blob, 0);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes);
        controller.close();
      },
    });
    // The bytes were checked when they were read.
    await destination.putBlob(blob, stream, { signal, verified: true });
    this.#emit("blob-done", blob, bytes.length);
  }

  /** Reads a small blob whole (at most `limit` bytes), verified. */
  async readBytes(blob: Descriptor, limit: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (blob.size > limit) {
      throw new InvalidManifestError(blob.digest, `config of ${blob.size} bytes exceeds ${limit}`);
    }
    const { source, retries, retryDelayMs } = this.#options;
    return await withRetries(
      () =>
        attempt(signal, async (signal) => {
          const stream = meteredSource(
            await source.getBlob(toInfo(blob), { signal }),
            () => {},
            signal,
            COALESCE_BYTES,
          ).pipeThrough(verifier(blob.digest, blob.size, blob.digest));
          const out = new Uint8Array(blob.size);
          let offset = 0;
          for await (const chunk of stream) {
            out.set(chunk, offset);
            offset += chunk.length;
          }
          return out;
        }),
      retries,
      retryDelayMs,
      signal,
    );
  }

  async #copy(blob: Descriptor, plan: BlobPlan, signal?: AbortSignal): Promise<Descriptor> {
    const { destination, retries, retryDelayMs } = this.#options;
    if (!changesBytes(plan)) {
      const target: Descriptor = { ...blob, mediaType: plan.mediaType };
      if (await destination.hasBlob(toInfo(target))) {
        this.#emit("blob-skipped", blob, 0);
        return target;
      }
      if (await this.#move(blob, target, signal)) return target;
      await withRetries(
        () => attempt(signal, (signal) => this.#transfer(blob, target, () => [], signal)),
        retries,
        retryDelayMs,
        signal,
      );
      return target;
    }
    const stages = () => {
      const list: TransformStream<Uint8Array, Uint8Array>[] = [];
      if (plan.from !== "none") list.push(decompressor(plan.from!, blob.digest));
      if (plan.to !== "none") {
        list.push(compressor(plan.to!, blob.digest, this.#options.compressionLevel));
      }
      return list;
    };
    if (plan.knownDigest !== undefined) {
      const known = plan.knownDigest;
      // A source that knows the uncompressed size lets the destination know it up front.
      const expected = await this.#options.source.uncompressedSize?.(known) ?? -1;
      const target: Descriptor = {
        ...blob,
        mediaType: plan.mediaType,
        digest: known,
        size: expected,
      };
      let size = expected;
      await withRetries(
        () => {
          // The verifier hashes the converted bytes already (and checks a known size); only
          // an unknown size is left to count.
          let counted = 0;
          const what = `${blob.digest} (as ${known})`;
          // gzip to plain: one stage decodes and checks, where that is the faster way.
          const check = plan.from === "gzip" && plan.to === "none" && prefersInflatingVerifier()
            ? [inflatingVerifier(known, expected, what)]
            : [...stages(), verifier(known, expected, what)];
          const count = expected >= 0 ? [] : [meter((total) => counted = total, undefined)];
          const all = () => [...check, ...count];
          return attempt(signal, (signal) => this.#transfer(blob, target, all, signal, true)).then(
            () => {
              if (expected < 0) size = counted;
            },
          );
        },
        retries,
        retryDelayMs,
        signal,
      );
      return { ...target, size };
    }
    return await withRetries(
      () => attempt(signal, (signal) => this.#spool(blob, plan, stages, signal)),
      retries,
      retryDelayMs,
      signal,
    );
  }

  /**
   * Streams `blob` from the source through `stages` into the destination as `target`;
   * `targetChecked` says the last stages verify the written bytes against `target`.
   */
  async #transfer(
    blob: Descriptor,
    target: Descriptor,
    stages: () => TransformStream<Uint8Array, Uint8Array>[],
    signal?: AbortSignal,
    targetChecked = false,
  ): Promise<void> {
    const { source, destination } = this.#options;
    const list = stages();
    // Hash each blob once: skip our check when the source's stream or (for bytes stored
    // unchanged) the destination already verifies the digest and size, or when the
    // converted bytes are checked against a digest known beforehand (a diff ID, which the
    // verified config vouches for: what is written is then checked whatever the source
    // bytes were), and tell the destination when the stream it gets checks itself.
    const sourceChecked = source.verifiesBlobs === true;
    const checked = sourceChecked || targetChecked ||
      (list.length === 0 && destination.verifiesBlobs === true);
    let stream = await this.#read(blob, signal, !checked);
    for (const stage of list) stream = stream.pipeThrough(stage);
    const verified = targetChecked || (list.length === 0 && sourceChecked);
    await destination.putBlob(toInfo(target), stream, { signal, verified });
    this.#emit("blob-done", blob, blob.size);
  }

  /**
   * Hands the source's file of `blob` to the destination, when both can (a load's
   * extracted archive into the store): a move, no byte copied. False when either cannot.
   */
  async #move(blob: Descriptor, target: Descriptor, signal?: AbortSignal): Promise<boolean> {
    const { source, destination } = this.#options;
    if (source.blobFile === undefined || destination.putBlobFile === undefined) return false;
    signal?.throwIfAborted();
    const file = await source.blobFile(toInfo(blob));
    if (file === undefined || (blob.size >= 0 && file.size !== blob.size)) return false;
    if (!(await destination.putBlobFile(toInfo(target), file, { signal }))) return false;
    this.#emit("blob-start", blob, 0);
    this.#emit("blob-bytes", blob, file.size);
    this.#emit("blob-done", blob, file.size);
    return true;
  }

  /** Writes the converted blob to a temporary file first, to learn its digest and size. */
  async #spool(
    blob: Descriptor,
    plan: BlobPlan,
    stages: () => TransformStream<Uint8Array, Uint8Array>[],
    signal?: AbortSignal,
  ): Promise<Descriptor> {
    const { context, destination } = this.#options;
    const fs = context.fs;
    const dir = (context.tmpDir ?? hostTmpDir()).replace(/\/+$/, "") || "/";
    await fs.mkdir(dir, { recursive: true });
    const path = `${dir}/${temporaryName(".stevedore-copy")}`;
    try {
      const count = digestingStream();
      let stream = await this.#read(blob, signal, this.#options.source.verifiesBlobs !== true);
      for (const stage of stages()) stream = stream.pipeThrough(stage);
      await stream.pipeThrough(count).pipeTo(await fs.openWrite(path));
      const result = await count.result;
      const digest = result.digest.toString();
      const size = result.size;
      const target: Descriptor = { ...blob, mediaType: plan.mediaType, digest, size };
      if (!(await destination.hasBlob(toInfo(target)))) {
        const spooled = (await fs.openRead(path)).pipeThrough(verifier(digest, size, path));
        await destination.putBlob(toInfo(target), spooled, { signal, verified: true });
      }
      this.#emit("blob-done", blob, blob.size);
      return target;
    } finally {
      await fs.remove(path).catch(() => {});
    }
  }

  /** Opens `blob` at the source, metered and verified. */
  async #read(
    blob: Descriptor,
    signal: AbortSignal | undefined,
    verify: boolean,
  ): Promise<ReadableStream<Uint8Array>> {
    this.#emit("blob-start", blob, 0);
    const { source } = this.#options;
    // A source that retries by itself (a registry) fails for good: one layer retries.
    const final = source.retriesTransientFailures === true;
    let opened: ReadableStream<Uint8Array>;
    try {
      opened = await source.getBlob(toInfo(blob), { signal });
    } catch (error) {
      throw final ? markFinal(error) : error;
    }
    const stream = meteredSource(
      opened,
      (total) => this.#emit("blob-bytes", blob, total),
      signal,
      COALESCE_BYTES,
      final ? markFinal : undefined,
    );
    return verify ? stream.pipeThrough(verifier(blob.digest, blob.size, blob.digest)) : stream;
  }

  #emit(kind: CopyProgressEvent["kind"], blob: Descriptor, bytes: number): void {
    this.#options.onProgress?.({
      kind,
      digest: blob.digest,
      size: blob.size,
      bytes,
      mediaType: blob.mediaType,
    });
  }
}

/** The transport-level view of a descriptor. */
export function toInfo(d: Descriptor): BlobInfo {
  const info: BlobInfo = { digest: d.digest, size: d.size, mediaType: d.mediaType };
  if (d.urls !== undefined) info.urls = d.urls;
  if (d.annotations !== undefined) info.annotations = d.annotations;
  return info;
}
