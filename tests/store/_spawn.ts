// Running TypeScript child processes (through tsx) from any of the three test runtimes.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/**
 * The command and leading arguments that run a TypeScript file in one Node process (not
 * through the `tsx` wrapper, whose child would survive a SIGKILL of the wrapper).
 */
export const runTs: [string, string[]] = ["node", ["--import", "tsx"]];

/** A started child and a promise of how it ended. */
export interface Child {
  pid: number;
  exited: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  kill(signal: "SIGKILL" | "SIGTERM"): void;
}

/** Starts `command args`, collecting stderr. */
export function start(command: string, args: string[]): Child {
  const child = spawn(command, args, { cwd: repoRoot, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const exited = new Promise<{ code: number | null; signal: string | null; stderr: string }>(
    (resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve({ code, signal, stderr }));
    },
  );
  return { pid: child.pid!, exited, kill: (signal) => child.kill(signal) };
}

/** The pid of a process that has exited (so it is certainly not alive now). */
export async function deadPid(): Promise<number> {
  const child = start("true", []);
  await child.exited;
  return child.pid;
}
