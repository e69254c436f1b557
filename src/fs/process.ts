/**
 * The process seam: the few facts about the running process and its host that the store's
 * cross-process lock and its leftover cleaning, and the defaults of `Runtime.open` and
 * `copyImage` need (process ID and start time, host name, user ID, environment). This is
 * the only file under `src/` that touches `process`.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { hostname, userInfo } from "node:os";

/** The ID of the current process. */
export function currentPid(): number {
  return process.pid;
}

/**
 * When process `pid` started, as the kernel counts it (clock ticks since boot, from
 * `/proc/<pid>/stat` field 22); `undefined` where that is unknown (no such process, or no
 * `/proc`). With the pid it names one process even after the pid is reused.
 */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
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
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    if (code === "ESRCH") return false;
    if (code === "EPERM") return true;
    // Unknown answer: assume alive, so that a lock is never broken on a guess.
    return true;
  }
}

/** The name of this host. */
export function hostName(): string {
  return hostname();
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
  try {
    return Math.max(userInfo().uid, 0);
  } catch {
    return 1000;
  }
}
