/**
 * Exit codes and error lines of the command line, following Podman: 125 for usage and
 * configuration errors, 1 for failures (a command may pick others, like `rmi`'s 2).
 *
 * @module
 */
import { ConfigError, InvalidFilterError, InvalidPullPolicyError, UsageError } from "../errors.ts";

/** The exit code of a usage or configuration error. */
export const EXIT_USAGE = 125;
/** The exit code of a failed operation. */
export const EXIT_FAILURE = 1;

/** An error that carries the exit code a command wants for it. */
export class ExitCodeError extends Error {
  /** The exit code. */
  readonly exitCode: number;
  /** Wraps `error` (its message is kept) with `exitCode`. */
  constructor(error: unknown, exitCode: number) {
    super(messageOf(error), { cause: error });
    this.exitCode = exitCode;
  }
}

/** The message of any thrown value. */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** The exit code for `error`. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof ExitCodeError) return error.exitCode;
  if (
    error instanceof UsageError || error instanceof ConfigError ||
    error instanceof InvalidFilterError || error instanceof InvalidPullPolicyError
  ) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The one line printed on standard error for `error`. */
export function errorLine(error: unknown): string {
  return `Error: ${messageOf(error).replace(/\n\s*/g, " ")}\n`;
}
