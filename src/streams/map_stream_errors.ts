/**
 * Giving a stream's failures a meaning.
 *
 * @module
 */

/**
 * Passes `stream` through unchanged, but errors with `map(error)` when reading it fails
 * (e.g. to turn a decoder's or a socket's error into a typed one).
 */
export function mapStreamErrors(
  stream: ReadableStream<Uint8Array>,
  map: (error: unknown) => unknown,
): ReadableStream<Uint8Array> {
  const reader = stream.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(map(error));
      }
    },
    async cancel(reason) {
      await reader.cancel(reason).catch(() => {});
    },
  }, { highWaterMark: 0 });
}
