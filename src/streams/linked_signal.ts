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

/** The live children of a parent signal, and the one listener that serves them all. */
interface Children {
  readonly controllers: Set<AbortController>;
  readonly onAbort: () => void;
}

const childrenOf = new WeakMap<AbortSignal, Children>();

/** The children record of `parent`, hooking its one listener on first use. */
function children(parent: AbortSignal): Children {
  let found = childrenOf.get(parent);
  if (found === undefined) {
    const controllers = new Set<AbortController>();
    const onAbort = () => {
      childrenOf.delete(parent);
      for (const controller of controllers) controller.abort(parent.reason);
      controllers.clear();
    };
    found = { controllers, onAbort };
    childrenOf.set(parent, found);
    parent.addEventListener("abort", onAbort, { once: true });
  }
  return found;
}

/**
 * A signal that follows `parent` until {@linkcode LinkedSignal.dispose} is called. However
 * many children are linked at once, `parent` holds a single listener for them all, and
 * none once they are disposed; whatever a callee hangs on a child (a `fetch` does, until
 * it is garbage collected) goes away with the child.
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
    const record = children(parent);
    record.controllers.add(controller);
    unhook = () => {
      unhook = () => {};
      record.controllers.delete(controller);
      if (record.controllers.size === 0 && childrenOf.get(parent) === record) {
        childrenOf.delete(parent);
        parent.removeEventListener("abort", record.onAbort);
      }
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
