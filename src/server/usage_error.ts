/**
 * The error of a command line that cannot be run. It belongs to the two programs, the
 * server (`server.ts`, whose options are flags too) and the CLI above it, not to the
 * library's errors in `src/errors.ts`.
 *
 * @module
 */

/**
 * A command line that cannot be run: an unknown command or flag, a missing or bad value.
 *
 * @example
 * ```ts
 * import { UsageError } from "./usage_error.ts";
 * console.log(new UsageError("--colour", "unknown flag").message); // Cannot use "--colour": unknown flag
 * ```
 */
export class UsageError extends Error {
  /** The stable code of a usage error. */
  readonly code = "Usage";

  /** Builds the error for the argument `input`. */
  constructor(input: string, detail: string) {
    super(`Cannot use "${input}": ${detail}`);
    this.name = "UsageError";
  }
}
