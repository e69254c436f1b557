/**
 * The command line's view of its process, injected by the entry point so `src/cli/` never
 * touches a runtime's globals.
 *
 * @module
 */

/** The process a command runs in: arguments, environment, streams and terminal state. */
export interface CliIO {
  /** The arguments after the program name. */
  args: string[];
  /** The environment variables. */
  env: Record<string, string | undefined>;
  /** Writes text or bytes to standard output. */
  stdout: (data: string | Uint8Array) => void | Promise<void>;
  /** Writes text to standard error. */
  stderr: (text: string) => void | Promise<void>;
  /** Standard input. */
  stdin: ReadableStream<Uint8Array>;
  /** Which standard streams are terminals. */
  isTTY: { stdin: boolean; stdout: boolean; stderr: boolean };
  /** The JavaScript runtime and its version, e.g. `deno 2.9.6`. */
  runtime: string;
  /** Ends the process with an exit code (only `serve` and signals need it). */
  exit: (code: number) => void;
  /** The absolute working directory (relative `oci:`/`dir:` paths are under it). @default none */
  cwd?: string;
  /** Registers a handler for SIGINT/SIGTERM; returns a function removing it. @default none */
  onSignal?: (handler: () => void) => () => void;
}
