/**
 * The process seam: the few facts about the running process and its host that the store's
 * cross-process lock, its leftover cleaning and the defaults of a runtime need. This is the
 * only file under `src/` that touches `process`. Every fact has a fallback for runtimes
 * without a process or without the permission to ask (an edge runtime such as workerd,
 * Deno with `--allow-net` only), and none is read at load time. On Deno the facts a command
 * needs at start-up come from Deno's own namespace: its `process` object and `node:os` are
 * built on first use by its Node compatibility layer, which costs a Deno process ~20 ms.
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

/** The parts of Deno's namespace read here (Deno only). */
interface DenoHost {
  pid: number;
  uid(): number | null;
  hostname(): string;
  osRelease(): string;
  env: { get(key: string): string | undefined; toObject(): Record<string, string> };
  build: { os: string; arch: string };
  readTextFileSync(path: string): string;
}

function denoHost(): DenoHost | undefined {
  return (globalThis as { Deno?: DenoHost }).Deno;
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
  return denoHost()?.pid ?? hostProcess()?.pid ?? 0;
}

/**
 * When process `pid` started, as the kernel counts it (clock ticks since boot, from
 * `/proc/<pid>/stat` field 22); `undefined` where that is unknown (no such process, or no
 * `/proc`). With the pid it names one process even after the pid is reused.
 */
export function processStartTime(pid: number): string | undefined {
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const path = `/proc/${pid}/stat`;
  const deno = denoHost();
  const text = ask(
    () => deno ? deno.readTextFileSync(path) : nodeBuiltin("node:fs")?.readFileSync(path, "utf8"),
    "",
  );
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
  const deno = denoHost();
  return ask(() => deno ? deno.hostname() : nodeBuiltin("node:os")?.hostname(), "localhost");
}

/** The folder for temporary files (`/tmp` where the runtime cannot or may not tell). */
export function hostTmpDir(): string {
  return ask(() => nodeBuiltin("node:os")?.tmpdir(), "/tmp");
}

/** The user's home folder (`/` where the runtime cannot or may not tell). */
export function hostHomeDir(): string {
  const deno = denoHost();
  return ask(() => (deno && deno.env.get("HOME")) || nodeBuiltin("node:os")?.homedir(), "/");
}

/** The home folder `env` names (`HOME`), else the host's ({@linkcode hostHomeDir}). */
export function homeDirOf(env: Record<string, string | undefined>): string {
  return env.HOME ?? hostHomeDir();
}

/**
 * A copy of the process environment, as the CLI reads it; `{}` where the host has none
 * (an edge runtime).
 */
export function processEnv(): Record<string, string | undefined> {
  const deno = denoHost();
  if (deno) return ask(() => deno.env.toObject(), {});
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } })
    .process?.env;
  return env === undefined ? {} : { ...env };
}

/** The effective user ID (0 is root); 1000 (not root) where the host has no user database. */
export function currentUid(): number {
  const deno = denoHost();
  const uid = () => deno ? deno.uid() ?? undefined : nodeBuiltin("node:os")?.userInfo().uid;
  return Math.max(ask(uid, 1000), 0);
}

/** What {@linkcode hostMachine} tells: the machine in `node:os` terms. */
export interface HostMachine {
  /** `os.platform()`: `linux`, `darwin`, `win32`, ... */
  platform: string;
  /** `os.arch()`: `x64`, `arm64`, `arm`, `ia32`, ... */
  arch: string;
  /** `os.endianness()`. */
  endianness: "BE" | "LE";
  /** `os.release()` on Windows (where the platform needs it), else undefined. */
  release?: string;
}

const DENO_OSES: Readonly<Record<string, string>> = { windows: "win32" };
const DENO_ARCHES: Readonly<Record<string, string>> = { x86_64: "x64", aarch64: "arm64" };

/**
 * The machine this code runs on, in `node:os` terms (`linux`/`x64`); `undefined` where the
 * runtime cannot tell (an edge runtime).
 */
export function hostMachine(): HostMachine | undefined {
  const deno = denoHost();
  if (deno) {
    const platform = DENO_OSES[deno.build.os] ?? deno.build.os;
    const arch = DENO_ARCHES[deno.build.arch] ?? deno.build.arch;
    // Deno is built for little-endian machines only; the release needs a permission.
    const release = platform === "win32" ? ask(() => deno.osRelease(), undefined) : undefined;
    return { platform, arch, endianness: "LE", ...(release ? { release } : {}) };
  }
  const os = nodeBuiltin("node:os");
  if (os === undefined) return undefined;
  const platform = os.platform();
  // Only Windows needs the release, and reading it needs a permission on Deno.
  const release = platform === "win32" ? os.release() : undefined;
  return {
    platform,
    arch: os.arch(),
    endianness: os.endianness(),
    ...(release ? { release } : {}),
  };
}

/**
 * Resolves once the tasks queued so far have run (a macrotask later, so every pending
 * promise chain has settled): through a `MessageChannel` on Deno, where the first
 * `setTimeout` builds the Node compatibility layer's timers (~5 ms), else `setTimeout`.
 */
export function nextTask(): Promise<void> {
  if (denoHost() === undefined) return new Promise((resolve) => setTimeout(resolve, 0));
  const channel = new MessageChannel();
  return new Promise((resolve) => {
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}
