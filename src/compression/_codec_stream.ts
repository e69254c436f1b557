/**
 * Turns a synchronous, pull-driven codec into a readable/writable pair with backpressure
 * inside each chunk too, so a small input chunk that expands a thousandfold is still
 * handed out piece by piece as the reader asks for it.
 *
 * @module
 */

/** A codec the stream drives: feed bytes, pull output, until it needs more input. */
export interface SyncCodec {
  /** Takes some of `chunk` (at least one byte once `read` said it needs input); returns the count. */
  write(chunk: Uint8Array): number;
  /**
   * The next piece of output, or undefined when the codec needs more input (or, when
   * `final`, is finished). Throws on bad data.
   */
  read(final: boolean): Uint8Array | undefined;
  /** Frees what the codec holds; called exactly once. */
  close(): void;
}

/** Builds a transform stream over the codec `open()` returns (opened on first use). */
export function codecStream(open: () => SyncCodec): TransformStream<Uint8Array, Uint8Array> {
  let codec: SyncCodec | undefined;
  let closed = false;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let wake: (() => void) | undefined;
  let stopped = false;
  let stopReason: unknown;

  const release = () => {
    if (closed) return;
    closed = true;
    codec?.close();
  };
  const stop = (reason: unknown) => {
    if (stopped) return;
    stopped = true;
    stopReason = reason;
    release();
    wake?.();
  };
  const use = (): SyncCodec => {
    if (stopped) throw stopReason ?? new TypeError("Cannot write to a cancelled stream");
    return codec ??= open();
  };
  const drain = async (final: boolean) => {
    while (true) {
      const out = use().read(final);
      if (out === undefined) return;
      controller.enqueue(out);
      if ((controller.desiredSize ?? 0) <= 0) {
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    }
  };
  const fail = (error: unknown) => {
    if (!stopped) {
      try {
        controller.error(error);
      } catch { /* already closed */ }
    }
    stop(error);
  };

  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    pull() {
      wake?.();
    },
    cancel(reason) {
      stop(reason ?? new TypeError("Cannot write to a cancelled stream"));
    },
  }, { highWaterMark: 1 });

  const writable = new WritableStream<Uint8Array>({
    start(c) {
      c.signal?.addEventListener("abort", () => fail(c.signal.reason));
    },
    async write(chunk) {
      try {
        let offset = 0;
        while (offset < chunk.length) {
          offset += use().write(offset === 0 ? chunk : chunk.subarray(offset));
          await drain(false);
        }
      } catch (error) {
        fail(error);
        throw error;
      }
    },
    async close() {
      try {
        use();
        await drain(true);
        if (stopped) throw stopReason;
        release();
        controller.close();
      } catch (error) {
        fail(error);
        throw error;
      }
    },
    abort(reason) {
      fail(reason);
    },
  }, { highWaterMark: 1 });

  return { readable, writable };
}
