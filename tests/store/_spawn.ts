// Running TypeScript child processes (through tsx) from any of the three test runtimes.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { StopAt } from "./_phase_fs.ts";

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

/**
 * Runs `_kill_child.ts ROOT STOP MODE ARGS` until it reports that it froze at phase
 * `stop` (see `_phase_fs.ts`), kills it there with SIGKILL and resolves to the phase once
 * it is gone. A child that ends on its own, or fails, rejects with its output.
 */
export function killAtPhase(
  root: string,
  stop: StopAt,
  mode: string,
  args: string[] = [],
): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      runTs[0],
      [...runTs[1], "tests/store/_kill_child.ts", root, JSON.stringify(stop), mode, ...args],
      { cwd: repoRoot, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    let stderr = "";
    let phase: string | undefined;
    child.stderr!.on("data", (chunk) => stderr += String(chunk));
    child.stdout!.on("data", (chunk) => {
      stdout += String(chunk);
      const match = /^stopped (.*)$/m.exec(stdout);
      if (match !== null && phase === undefined) {
        phase = match[1];
        child.kill("SIGKILL");
      }
    });
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (phase !== undefined && signal === "SIGKILL") resolve(phase);
      else {
        reject(
          new Error(
            `the child never reached ${JSON.stringify(stop)} (exit ${code ?? signal}):\n` +
              `${stdout}\n${stderr}`,
          ),
        );
      }
    });
  });
}
