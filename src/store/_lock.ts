/**
 * The store's lock: a promise queue serializes callers inside one process, and a lock
 * directory (`mkdir` is atomic) serializes processes. The directory holds an owner file
 * (`{pid, host, start, acquiredAt, token}`); a waiter breaks the lock of an owner that died on
 * this host, so a killed process cannot leave the store locked forever.
 *
 * @module
 */
import { StoreLockedError } from "../errors.ts";
import {
  currentPid,
  type FileSystem,
  hostName,
  isNotFound,
  isProcessAlive,
  processStartTime,
} from "../fs/mod.ts";
import { type HeldLocks, heldLocks } from "./_held_locks.ts";
import { sleep } from "../streams/sleep.ts";

/** Who holds a lock directory. */
export interface LockOwner {
  /** The holder's process ID. */
  pid: number;
  /** The holder's host name. */
  host: string;
  /** When the holder started (`processStartTime`), so a reused pid is not taken for it. */
  start?: string;
  /** When it took the lock, ISO 8601. */
  acquiredAt: string;
  /** A random value naming this one acquisition. */
  token: string;
}

/** What a waiter sees of a held lock directory. */
interface Observed {
  owner: LockOwner | undefined;
  mtimeMs: number;
}

/** How long a lock directory may exist without an owner file before it counts as stale. */
const OWNERLESS_GRACE_MS = 5_000;
/** The longest pause between two attempts, in milliseconds. */
const MAX_BACKOFF_MS = 50;

/**
 * The locks the current async call chain holds (for re-entrance); made by the first lock,
 * so that opening and reading a store loads no async-context tracking.
 */
let held: HeldLocks<StoreLock> | undefined;
/**
 * How many call chains hold a lock now. At zero the storage is disabled again: on Node an
 * enabled AsyncLocalStorage keeps promise hooks on for every promise of the process (a
 * quarter of the CPU time of a pull after the first lock), and no chain needs it then.
 */
let holders = 0;

function errorCode(error: unknown): unknown {
  return (error as { code?: unknown })?.code;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text);
    if (
      typeof value?.pid === "number" && typeof value.host === "string" &&
      typeof value.token === "string" && typeof value.acquiredAt === "string"
    ) return value as LockOwner;
  } catch {
    // A damaged owner file is treated like a missing one.
  }
  return undefined;
}

/** Writes `owner.json` into `dir` with a rename, so readers see all of it or nothing. */
async function writeOwner(fs: FileSystem, dir: string, owner: LockOwner): Promise<void> {
  const temporary = `${dir}/owner.json.tmp-${owner.token}`;
  await fs.writeFile(temporary, JSON.stringify(owner));
  await fs.rename(temporary, `${dir}/owner.json`);
}

/**
 * Who this process is, for a lock on `fs`; a process-local file system needs no name (and
 * the process may not be allowed to ask for it).
 */
function processIdentity(fs: FileSystem): { pid: number; host: string; start?: string } {
  if (fs.processLocal) return { pid: 0, host: "" };
  if (ownIdentity === undefined) {
    const start = processStartTime(currentPid());
    ownIdentity = {
      pid: currentPid(),
      host: hostName(),
      ...(start === undefined ? {} : { start }),
    };
  }
  return { ...ownIdentity };
}

/** This process's identity, asked once (a lock is taken several times per pull). */
let ownIdentity: { pid: number; host: string; start?: string } | undefined;

function newOwner(fs: FileSystem): LockOwner {
  return {
    ...processIdentity(fs),
    acquiredAt: new Date().toISOString(),
    token: crypto.randomUUID(),
  };
}

/** The cross-process, in-process and re-entrant lock of one store root. */
export class StoreLock {
  /** The lock directory. */
  readonly dir: string;
  readonly #fs: FileSystem;
  readonly #root: string;
  readonly #timeoutMs: number;
  #queue: Promise<void> = Promise.resolve();

  /** A lock for the store at `root`; waiting longer than `timeoutMs` fails. */
  constructor(fs: FileSystem, root: string, timeoutMs: number) {
    this.#fs = fs;
    this.#root = root;
    this.dir = `${root}/lock`;
    this.#timeoutMs = timeoutMs;
  }

  /** Whether the current async call chain holds this lock. */
  get isHeld(): boolean {
    return held?.getStore()?.has(this) ?? false;
  }

  /** Runs `fn` holding the lock; a call chain that already holds it just runs `fn`. */
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.isHeld) return await fn();
    const previous = this.#queue;
    let done!: () => void;
    this.#queue = new Promise((resolve) => done = resolve);
    try {
      await previous;
      const token = await this.#acquire();
      try {
        holders++;
        const chains = held ??= heldLocks<StoreLock>();
        try {
          return await chains.run(new Set([...(chains.getStore() ?? []), this]), fn);
        } finally {
          if (--holders === 0) chains.disable?.();
        }
      } finally {
        await this.#release(token);
      }
    } finally {
      done();
    }
  }

  async #acquire(): Promise<string> {
    const deadline = Date.now() + this.#timeoutMs;
    let backoff = 1;
    for (;;) {
      try {
        await this.#fs.mkdir(this.dir);
      } catch (error) {
        if (errorCode(error) !== "EEXIST") throw error;
        const observed = await this.#observe(this.dir);
        if (observed === undefined || await this.#breakIfStale(observed)) continue;
        if (Date.now() >= deadline) {
          const who = observed.owner === undefined
            ? "an unknown process"
            : `process ${observed.owner.pid} on ${observed.owner.host} since ${observed.owner.acquiredAt}`;
          throw new StoreLockedError(
            this.#root,
            `held by ${who} for longer than ${this.#timeoutMs} ms`,
          );
        }
        await sleep(backoff + Math.random() * backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        continue;
      }
      const owner = newOwner(this.#fs);
      try {
        await writeOwner(this.#fs, this.dir, owner);
      } catch (error) {
        await this.#fs.remove(this.dir, { recursive: true }).catch(() => {});
        throw error;
      }
      return owner.token;
    }
  }

  async #release(token: string): Promise<void> {
    const observed = await this.#observe(this.dir);
    if (observed?.owner?.token !== token) return; // Not ours any more: leave it alone.
    const aside = `${this.#root}/lock.released-${token}`;
    await this.#fs.rename(this.dir, aside);
    await this.#fs.remove(aside, { recursive: true });
  }

  /** Reads a lock directory's owner; `undefined` when the directory is gone. */
  async #observe(dir: string): Promise<Observed | undefined> {
    let mtimeMs: number;
    try {
      mtimeMs = (await this.#fs.stat(dir)).mtimeMs;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
    try {
      return { owner: parseOwner(await this.#fs.readTextFile(`${dir}/owner.json`)), mtimeMs };
    } catch (error) {
      if (isNotFound(error)) return { owner: undefined, mtimeMs };
      throw error;
    }
  }

  /** Whether the holder `observed` can no longer release its lock. */
  #isStale(observed: Observed): boolean {
    const owner = observed.owner;
    if (owner === undefined) return Date.now() - observed.mtimeMs > OWNERLESS_GRACE_MS;
    const self = processIdentity(this.#fs);
    if (owner.host !== self.host) return false; // Cannot tell: wait (or time out).
    if (owner.pid === self.pid) return false; // Another store object of this process.
    return !isProcessAlive(owner.pid, typeof owner.start === "string" ? owner.start : undefined);
  }

  /**
   * Breaks the lock if its holder `observed` is dead. Only the holder of the breaker
   * directory may break, and only if the lock still has the owner it judged stale, so two
   * waiters never both break it (nor break a fresh lock). Returns true to retry at once.
   */
  async #breakIfStale(observed: Observed): Promise<boolean> {
    if (!this.#isStale(observed)) return false;
    const breaker = `${this.#root}/lock.break`;
    try {
      await this.#fs.mkdir(breaker);
    } catch (error) {
      if (errorCode(error) !== "EEXIST") throw error;
      const other = await this.#observe(breaker);
      if (other !== undefined && this.#isStale(other)) {
        await this.#fs.remove(breaker, { recursive: true });
      }
      return false;
    }
    try {
      await writeOwner(this.#fs, breaker, newOwner(this.#fs));
      const again = await this.#observe(this.dir);
      if (again === undefined) return true;
      if (again.owner?.token !== observed.owner?.token || !this.#isStale(again)) return false;
      const aside = `${this.#root}/lock.stale-${crypto.randomUUID()}`;
      await this.#fs.rename(this.dir, aside);
      await this.#fs.remove(aside, { recursive: true });
      return true;
    } finally {
      await this.#fs.remove(breaker, { recursive: true });
    }
  }
}
