/**
 * The one answer to "is this failure worth another try?", shared by the registry client
 * (per request) and the copy engine (per blob transfer, for what a request cannot replay:
 * a streamed upload, a body that broke off).
 *
 * @module
 */
import { RegistryError } from "../errors.ts";
import { isTransientError, RETRYABLE_STATUSES } from "./_http.ts";

/**
 * Whether `error` is transient: a network failure or timeout, or a registry answer with a
 * retryable status (408, 429, 5xx gateways). Never after `signal` aborted.
 *
 * @example
 * ```ts
 * import { isRetryableFailure } from "./retry_policy.ts";
 * import { RegistryError } from "../errors.ts";
 * console.log(isRetryableFailure(new RegistryError("x", 503, "busy"))); // true
 * console.log(isRetryableFailure(new RegistryError("x", 404, "gone"))); // false
 * ```
 */
export function isRetryableFailure(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return false;
  if (error instanceof RegistryError) {
    return error.status === 0 || RETRYABLE_STATUSES.has(error.status);
  }
  return isTransientError(error, signal);
}
