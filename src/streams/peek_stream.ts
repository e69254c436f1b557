/**
 * Looking at the first bytes of a stream without losing them.
 *
 * @module
 */

/**
 * Peeks at the first `count` bytes of `stream`; returns them and a stream with all bytes
 * again.
 *
 * @example
 * ```ts
 * import { peekStream } from "./peek_stream.ts";
 * const { head, stream } = await peekStream(new Blob(["hello"]).stream(), 2);
 * console.log(new TextDecoder().decode(head)); // "he"
 * console.log(await new Response(stream).text()); // "hello"
 * ```
 */
export async function peekStream(
  stream: ReadableStream<Uint8Array>,
  count: number,
): Promise<{ head: Uint8Array; stream: ReadableStream<Uint8Array> }> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let have = 0;
  let done = false;
  while (have < count) {
    const next = await reader.read();
    if (next.done) {
      done = true;
      break;
    }
    chunks.push(next.value);
    have += next.value.length;
  }
  const head = new Uint8Array(have);
  let offset = 0;
  for (const chunk of chunks) {
    head.set(chunk, offset);
    offset += chunk.length;
  }
  let replayed = false;
  const rest = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!replayed) {
        replayed = true;
        if (head.length > 0) controller.enqueue(head);
        if (done) controller.close();
        return;
      }
      const next = await reader.read();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel(reason) {
      await reader.cancel(reason);
    },
  }, { highWaterMark: 0 });
  return { head: head.subarray(0, Math.min(count, head.length)), stream: rest };
}
