/**
 * A short-lived child of a long-lived abort signal, so that per-request work never leaves
 * listeners behind on the parent.
 *
 * @module
 */

/** A child signal: see {@linkcode linkSignal}. */
export interface LinkedSignal {
  /** Aborted when the parent aborts or {@linkcode LinkedSignal.abort} is called. */
  readonly signal: AbortSignal;
  /** Aborts the child only (the parent is untouched) and unhooks it from the parent. */
  abort(reason?: unknown): void;
  /** Unhooks the child from the parent; call it once the work is over. Idempotent. */
  dispose(): void;
}

/**
 * A signal that follows `parent` until {@linkcode LinkedSignal.dispose} is called. It
 * holds one listener on `parent` while linked and none afterwards; whatever a callee hangs
 * on the child (a `fetch` does, until it is garbage collected) goes away with it.
 *
 * @example
 * ```ts
 * import { linkSignal } from "./linked_signal.ts";
 * const parent = new AbortController();
 * const child = linkSignal(parent.signal);
 * try {
 *   child.signal.aborted; // false
 * } finally {
 *   child.dispose();
 * }
 * ```
 */
export function linkSignal(parent: AbortSignal | undefined): LinkedSignal {
  const controller = new AbortController();
  let unhook = () => {};
  if (parent?.aborted) {
    controller.abort(parent.reason);
  } else if (parent !== undefined) {
    const onAbort = () => controller.abort(parent.reason);
    parent.addEventListener("abort", onAbort, { once: true });
    unhook = () => {
      parent.removeEventListener("abort", onAbort);
      unhook = () => {};
    };
  }
  return {
    signal: controller.signal,
    abort(reason) {
      unhook();
      controller.abort(reason);
    },
    dispose: () => unhook(),
  };
}
