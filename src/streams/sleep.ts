/**
 * An abortable pause, for retries.
 *
 * @module
 */

/**
 * Waits `ms` milliseconds, or rejects with the signal's reason when `signal` aborts.
 *
 * @example
 * ```ts
 * import { sleep } from "./sleep.ts";
 * await sleep(1);
 * const controller = new AbortController();
 * controller.abort(new Error("stop"));
 * await sleep(1000, controller.signal).catch((error) => console.log(error.message)); // "stop"
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
