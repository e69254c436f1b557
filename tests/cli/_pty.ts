// Runs the real command line on a pseudo-terminal (python3's `pty` module, see
// _pty_session.py) and types answers when the expected text appears: no sleeps.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import process from "node:process";
import { cliCommand, repoRoot } from "./_cli.ts";

/** Wait for `expect` on `stream` (after the previous match there), then type `send`. */
export interface PtyStep {
  /** Where the text is awaited. @default "pty" */
  stream?: "pty" | "stdout" | "stderr";
  expect: string;
  send: string;
}

/** How the CLI's standard streams are connected. */
export interface PtyOptions {
  /** Environment variables on top of PATH and NO_COLOR. */
  env: Record<string, string>;
  /** Standard input: the terminal, or /dev/null. @default "pty" */
  stdin?: "pty" | "null";
  /** Standard output: the terminal, or a pipe read apart. @default "pty" */
  stdout?: "pty" | "pipe";
  /** Standard error: the terminal, or a pipe read apart. @default "pty" */
  stderr?: "pty" | "pipe";
  /** The answers to type. */
  steps?: PtyStep[];
}

/** What a session on the terminal showed. */
export interface PtyResult {
  /** The exit code. */
  code: number;
  /** What the terminal showed: echoed input, and the standard streams connected to it. */
  pty: string;
  /** Standard output when it was a pipe. */
  stdout: string;
  /** Standard error when it was a pipe. */
  stderr: string;
  /** Set when an expected text never came. */
  error?: string;
}

/**
 * The command running the CLI with `args`. As root the CLI runs as user 1000 in a user
 * namespace (`unshare`, its files still the test's): a rootless user keeps what it writes
 * (short-name-aliases.conf) under $HOME, not in /var/cache.
 */
function rootlessCommand(args: string[]): string[] {
  const [command, lead] = cliCommand();
  const cli = [command, ...lead, ...args];
  if (process.getuid?.() !== 0) return cli;
  return ["unshare", "--user", "--map-user=1000", "--map-group=1000", ...cli];
}

/** Runs the CLI with `args` on a pseudo-terminal as a rootless user, answering `steps`. */
export function runCliOnPty(args: string[], options: PtyOptions): PtyResult {
  const spec = {
    command: rootlessCommand(args),
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...options.env },
    cwd: repoRoot,
    stdin: options.stdin ?? "pty",
    stdout: options.stdout ?? "pty",
    stderr: options.stderr ?? "pty",
    steps: options.steps ?? [],
    deadline: 150,
  };
  const script = join(repoRoot, "tests", "cli", "_pty_session.py");
  const run = spawnSync("python3", [script, JSON.stringify(spec)], {
    encoding: "utf8",
    timeout: 180_000,
  });
  if (run.status !== 0) {
    throw new Error(`the pty session failed (${run.status}): ${run.stderr}`);
  }
  const result = JSON.parse(run.stdout) as PtyResult;
  // The terminal turns "\n" into "\r\n".
  result.pty = result.pty.replaceAll("\r\n", "\n");
  return result;
}
