/**
 * The process seam: the few facts about the running process and its host that the store's
 * cross-process lock needs. This is the only file under `src/` that touches `process`.
 *
 * @module
 */
import { hostname } from "node:os";

/** The ID of the current process. */
export function currentPid(): number {
  return process.pid;
}

/**
 * Tells whether a process with ID `pid` exists on this host (signal 0 probes without
 * sending anything; a process we may not signal still exists).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
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
