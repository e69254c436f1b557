// Child processes for the edge tests, run without blocking the test process (which may
// serve what the child talks to).
import { type ChildProcess, spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../..", import.meta.url));

/** Where a tool from node_modules/.bin lives. */
export function bin(name: string): string {
  return `${repoRoot}node_modules/.bin/${name}`;
}

/** What a finished child printed. */
export interface RunResult {
  code: number | null;
  stdout: Uint8Array;
  stderr: string;
}

/** Runs `command args` to its end in the repository root. */
export function run(
  command: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<RunResult> {
  const child = spawn(command, args, {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/root", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const out: Uint8Array[] = [];
  let stderr = "";
  child.stdout!.on("data", (chunk: Uint8Array) => out.push(new Uint8Array(chunk)));
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      const length = out.reduce((n, c) => n + c.length, 0);
      const stdout = new Uint8Array(length);
      let at = 0;
      for (const chunk of out) {
        stdout.set(chunk, at);
        at += chunk.length;
      }
      resolve({ code, stdout, stderr });
    });
  });
}

/** A running workerd and the port its `http` socket listens on. */
export interface Workerd {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts `workerd serve config` and waits for its control message saying which port the
 * socket got (the config listens on port 0).
 */
export function startWorkerd(config: string): Promise<Workerd> {
  const child: ChildProcess = spawn(bin("workerd"), ["serve", config, "--control-fd=1"], {
    cwd: repoRoot,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr!.on("data", (chunk) => stderr += String(chunk));
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const stop = async () => {
    child.kill("SIGTERM");
    await exited;
  };
  return new Promise((resolve, reject) => {
    let buffered = "";
    child.on("error", reject);
    exited.then(() => reject(new Error(`workerd ended before listening: ${stderr}`)));
    child.stdout!.on("data", (chunk) => {
      buffered += String(chunk);
      for (const line of buffered.split("\n")) {
        try {
          const message = JSON.parse(line);
          if (message.event === "listen" && message.socket === "http") {
            resolve({ port: message.port, pid: child.pid!, stop });
          }
        } catch {
          // not a whole control message yet
        }
      }
    });
  });
}
