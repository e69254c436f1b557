/**
 * Exit codes and error lines of the command line, following Podman: 125 for any error a
 * command does not map itself (`rmi`, `image exists` and `manifest rm` exit 1 for an
 * unknown image, `rmi` 2 for an image in use).
 *
 * @module
 */
import { UsageError } from "../server/usage_error.ts";
import { escapeControl } from "./_format.ts";

export { UsageError };

/** The exit code of an error, usage and configuration errors included (Podman's 125). */
export const EXIT_USAGE = 125;
/** The exit code of the commands that report a missing image on their own (`rmi`, ...). */
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

/** A flag the command does not have, worded as Podman words it. */
export class UnknownFlagError extends UsageError {
  /** The flag as given. */
  readonly flag: string;
  /** Builds the error for `flag`. */
  constructor(flag: string) {
    super(flag, "unknown flag");
    this.message = `unknown flag: ${flag}`;
    this.flag = flag;
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
  return EXIT_USAGE;
}

/** The one line printed on standard error for `error` (unprintable characters escaped). */
export function errorLine(error: unknown): string {
  return `Error: ${escapeControl(messageOf(error).replace(/\n\s*/g, " "))}\n`;
}
