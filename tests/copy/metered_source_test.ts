import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { meteredSource } from "../../src/copy/_streams.ts";

function piecesStream(pieces: Uint8Array[], then?: () => Promise<Uint8Array>) {
  let i = 0;
  let cancelled: unknown = "not cancelled";
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (i < pieces.length) return controller.enqueue(pieces[i++]);
      if (then === undefined) return controller.close();
      controller.enqueue(await then());
    },
    cancel(reason) {
      cancelled = reason;
    },
  }, { highWaterMark: 0 });
  return { stream, cancelled: () => cancelled };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe("meteredSource", () => {
  it("reports the running total of every chunk and joins small ones", async () => {
    const pieces = [3, 5, 100, 2, 1].map((n, k) => new Uint8Array(n).fill(k + 1));
    const totals: number[] = [];
    const out = await readAll(
      meteredSource(piecesStream(pieces).stream, (t) => totals.push(t), undefined, 100),
    );
    assert.deepEqual(totals, [3, 8, 108, 110, 111]);
    assert.deepEqual(out.map((c) => c.length), [108, 3]);
    assert.deepEqual([...out[1]], [4, 4, 5]);
  });

  it("passes read failures through mapError", async () => {
    const failing = new ReadableStream<Uint8Array>({
      pull(controller) {
        controller.error(new Error("socket closed"));
      },
    });
    const marked = (error: unknown) => ({ marked: error });
    const reader = meteredSource(failing, () => {}, undefined, 10, marked).getReader();
    await assert.rejects(reader.read(), (error: { marked?: Error }) => {
      assert.equal(error.marked?.message, "socket closed");
      return true;
    });
  });

  it("fails at once when the signal aborts while the source stalls, and cancels it", async () => {
    let stalled!: () => void;
    const waiting = new Promise<void>((resolve) => (stalled = resolve));
    const source = piecesStream([new Uint8Array(4)], () => {
      stalled();
      return new Promise<Uint8Array>(() => {}); // never answers
    });
    const controller = new AbortController();
    const reader = meteredSource(source.stream, () => {}, controller.signal, 64 * 1024)
      .getReader();
    const pending = reader.read();
    await waiting;
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);
    assert.equal(source.cancelled(), reason);
  });

  it("leaves no abort listener behind once the source ends", async () => {
    const controller = new AbortController();
    let listeners = 0;
    const signal = controller.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((...args: Parameters<typeof add>) => {
      listeners++;
      add(...args);
    }) as typeof add;
    signal.removeEventListener = ((...args: Parameters<typeof remove>) => {
      listeners--;
      remove(...args);
    }) as typeof remove;
    await readAll(meteredSource(piecesStream([new Uint8Array(5)]).stream, () => {}, signal, 2));
    assert.equal(listeners, 0);
  });
});
