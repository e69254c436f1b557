/**
 * A stream over bytes held in memory.
 *
 * @module
 */

/**
 * A `ReadableStream` that yields `bytes` once and closes.
 *
 * @example
 * ```ts
 * import { streamOf } from "./stream_of.ts";
 * const text = await new Response(streamOf(new TextEncoder().encode("hi"))).text();
 * console.log(text); // "hi"
 * ```
 */
export function streamOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
}
