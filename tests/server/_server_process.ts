// Runs server.ts as a child process on the runtime the tests run on, and waits (by its
// output, not by the clock) until it listens or exits.
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { cliCommand, repoRoot } from "../cli/_cli.ts";

/** A server.ts process: listening (with its URL) or exited (with its code). */
export interface ServerProcess {
  /** `http://HOST:PORT`, when it listens. */
  url?: string;
  /** The exit code, when it exited before listening. */
  code?: number;
  /** What it printed on standard error so far. */
  stderr(): string;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
}

/** Starts server.ts with `args` and `env` (on top of PATH); resolves once it listens or exits. */
export function startServerProcess(
  args: string[],
  env: Record<string, string>,
): Promise<ServerProcess> {
  const [command, lead] = cliCommand("server.ts");
  const child: ChildProcess = spawn(command, [...lead, ...args], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const exited = new Promise<number>((resolve) =>
    child.once("close", (code) => resolve(code ?? -1))
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve) => {
    child.stderr?.on("data", (chunk) => stderr += chunk.toString());
    child.stdout?.on("data", (chunk) => {
      stdout += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve({ url: match[1], stderr: () => stderr, stop });
    });
    exited.then((code) => resolve({ code, stderr: () => stderr, stop }));
  });
}
