/**
 * What locks the current async call chain holds, for the store lock's re-entrance:
 * `AsyncLocalStorage` where the runtime has it (Deno, Node, Bun). Elsewhere (an edge
 * runtime without it) the call chain cannot be told apart, so a lock counts as held by
 * every chain while any chain holds it: re-entrance still works, but two overlapping
 * operations of one process are no longer serialized by the in-process queue.
 *
 * @module
 */
import { nodeBuiltin } from "../host/node_builtin.ts";

/** The held-lock sets of async call chains. */
export interface HeldLocks<T> {
  /** The locks the current chain holds. */
  getStore(): ReadonlySet<T> | undefined;
  /** Runs `fn` in a chain that holds `locks`. */
  run<R>(locks: ReadonlySet<T>, fn: () => Promise<R>): Promise<R>;
  /** Stops tracking until the next `run` (lets Node drop its promise hooks). */
  disable?(): void;
}

/**
 * A tracker of held locks (see the module notes for runtimes without async context);
 * `asyncContext: false` takes the fallback even where `AsyncLocalStorage` exists.
 */
export function heldLocks<T>(options: { asyncContext?: boolean } = {}): HeldLocks<T> {
  const hooks = options.asyncContext === false ? undefined : nodeBuiltin("node:async_hooks");
  if (hooks !== undefined) return new hooks.AsyncLocalStorage<ReadonlySet<T>>();
  const counts = new Map<T, number>();
  return {
    getStore: () => counts.size === 0 ? undefined : new Set(counts.keys()),
    async run<R>(locks: ReadonlySet<T>, fn: () => Promise<R>): Promise<R> {
      for (const lock of locks) counts.set(lock, (counts.get(lock) ?? 0) + 1);
      try {
        return await fn();
      } finally {
        for (const lock of locks) {
          const left = (counts.get(lock) ?? 1) - 1;
          if (left === 0) counts.delete(lock);
          else counts.set(lock, left);
        }
      }
    },
  };
}
