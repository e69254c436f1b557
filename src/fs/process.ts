/**
 * The process seam: the few facts about the running process and its host that the store's
 * cross-process lock, its leftover cleaning and the defaults of a runtime need. This is the
 * only file under `src/` that touches `process`. Every fact has a fallback for runtimes
 * without a process or without the permission to ask (an edge runtime such as workerd,
 * Deno with `--allow-net` only), and none is read at load time.
 *
 * @module
 */
import { nodeBuiltin } from "../host/node_builtin.ts";

interface ProcessHost {
  process?: { pid?: number; kill?: (pid: number, signal: number) => void };
}

function hostProcess(): ProcessHost["process"] {
  return (globalThis as ProcessHost).process;
}

/** Runs `read`, or gives `fallback` when the runtime refuses (no such API, no permission). */
function ask<T>(read: () => T | undefined, fallback: T): T {
  try {
    return read() ?? fallback;
  } catch {
    return fallback;
  }
}

/** The ID of the current process (0 where the runtime has no process). */
export function currentPid(): number {
  return hostProcess()?.pid ?? 0;
}

/**
 * When process `pid` started, as the kernel counts it (clock ticks since boot, from
 * `/proc/<pid>/stat` field 22); `undefined` where that is unknown (no such process, or no
 * `/proc`). With the pid it names one process even after the pid is reused.
 */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const text = ask(() => nodeBuiltin("node:fs")?.readFileSync(`/proc/${pid}/stat`, "utf8"), "");
  if (text === "") return undefined;
  // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so split after it.
  const start = text.slice(text.lastIndexOf(")") + 2).split(" ")[19];
  return start !== undefined && /^\d+$/.test(start) ? start : undefined;
}

/**
 * Tells whether a process with ID `pid` exists on this host (signal 0 probes without
 * sending anything; a process we may not signal still exists). With `start` (from
 * {@linkcode processStartTime}), a process that reuses the pid but started at another
 * time does not count.
 */
export function isProcessAlive(pid: number, start?: string): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  if (start !== undefined && start !== "") {
    const now = processStartTime(pid);
    if (now !== undefined) return now === start;
  }
  const host = hostProcess();
  // No way to tell: assume alive, so that a lock is never broken on a guess.
  if (host?.kill === undefined) return true;
  try {
    host.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") return true;
    // Unknown answer: assume alive, so that a lock is never broken on a guess.
    return true;
  }
}

/** The name of this host (`"localhost"` where the runtime cannot or may not tell). */
export function hostName(): string {
  return ask(() => nodeBuiltin("node:os")?.hostname(), "localhost");
}

/** The folder for temporary files (`/tmp` where the runtime cannot or may not tell). */
export function hostTmpDir(): string {
  return ask(() => nodeBuiltin("node:os")?.tmpdir(), "/tmp");
}

/** The user's home folder (`/` where the runtime cannot or may not tell). */
export function hostHomeDir(): string {
  return ask(() => nodeBuiltin("node:os")?.homedir(), "/");
}

/**
 * A copy of the process environment, as the CLI reads it; `{}` where the host has none
 * (an edge runtime).
 */
export function processEnv(): Record<string, string | undefined> {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process?.env;
  return env === undefined ? {} : { ...env };
}

/** The effective user ID (0 is root); 1000 (not root) where the host has no user database. */
export function currentUid(): number {
  return Math.max(ask(() => nodeBuiltin("node:os")?.userInfo().uid, 1000), 0);
}
