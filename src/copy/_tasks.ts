/**
 * Task helpers of the copy engine: combined abort signals, bounded parallelism that stops
 * everything on the first failure, and retries of transient failures.
 *
 * @module
 */
import { RegistryError } from "../errors.ts";

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

const TRANSIENT_STATUSES = new Set([0, 408, 429, 500, 502, 503, 504]);
const TRANSIENT_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "EAI_AGAIN"]);

/** Whether `error` is worth retrying: a network failure or a 5xx/429 answer. */
export function isTransient(error: unknown): boolean {
  if (error instanceof RegistryError) return TRANSIENT_STATUSES.has(error.status);
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && TRANSIENT_CODES.has(code);
}

/** Waits `ms` milliseconds, or rejects when `signal` aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
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

/** Runs `attempt`, retrying transient failures up to `retries` times after `delayMs`. */
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
      if (tried >= retries || signal?.aborted || !isTransient(error)) throw error;
      await sleep(delayMs, signal);
    }
  }
}
