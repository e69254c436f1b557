/**
 * Task helpers of the copy engine: combined abort signals, bounded parallelism that stops
 * everything on the first failure, and retries of transient failures.
 *
 * @module
 */
import { isRetryableFailure } from "../registry/mod.ts";
import { sleep } from "../streams/mod.ts";

export { anySignal } from "../streams/mod.ts";

/**
 * Runs `task` over `items` with at most `limit` at a time. On the first failure the
 * `abort` callback is called, no new task starts, the running ones are awaited, and the
 * first error is thrown. Results keep the order of `items`.
 */
export async function mapLimited<T, R>(
  items: readonly T[],
  limit: number,
  task: (item: T, index: number) => Promise<R>,
  abort: (reason: unknown) => void,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  let firstError: unknown;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = await task(items[index], index);
      } catch (error) {
        if (!failed) {
          failed = true;
          firstError = error;
          abort(error);
        }
      }
    }
  };
  const workers = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  if (failed) throw firstError;
  return results;
}

/** Failures a lower layer has retried already: retrying them here would multiply tries. */
const final = new WeakSet<object>();

/** Marks `error` as already retried by the layer that raised it; returns it. */
export function markFinal(error: unknown): unknown {
  if (typeof error === "object" && error !== null) final.add(error);
  return error;
}

/** Whether `error` (or what it wraps) was already retried where it happened. */
function isFinal(error: unknown, depth = 0): boolean {
  if (typeof error !== "object" || error === null || depth > 8) return false;
  return final.has(error) || isFinal((error as { cause?: unknown }).cause, depth + 1);
}

/**
 * Runs `attempt`, retrying transient failures up to `retries` times after `delayMs`; a
 * failure marked with {@linkcode markFinal} is not retried (its layer retried it).
 */
export async function withRetries<T>(
  attempt: () => Promise<T>,
  retries: number,
  delayMs: number,
  signal?: AbortSignal,
): Promise<T> {
  for (let tried = 0;; tried++) {
    try {
      return await attempt();
    } catch (error) {
      if (tried >= retries || isFinal(error) || !isRetryableFailure(error, signal)) throw error;
      await sleep(delayMs, signal);
    }
  }
}
