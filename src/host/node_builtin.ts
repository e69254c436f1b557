/**
 * Node's built-in modules (`node:fs/promises`, `node:zlib`, ...) where the runtime has
 * them, found at run time through `process.getBuiltinModule` (Node 20.16+, Deno and Bun)
 * rather than imported: code that reaches this file loads on runtimes without them (an
 * edge runtime such as workerd), and bundles for the browser platform without a `node:`
 * import.
 *
 * @example
 * ```ts
 * import { nodeBuiltin } from "./node_builtin.ts";
 * const zlib = nodeBuiltin("node:zlib"); // undefined in a browser or in workerd
 * console.log(zlib === undefined ? "portable path" : "native zlib");
 * ```
 *
 * @module
 */

/** The built-in modules stevedore uses, by specifier. */
export interface NodeBuiltins {
  /** Streaming hashes. */
  "node:crypto": typeof import("node:crypto");
  /** Files. */
  "node:fs/promises": typeof import("node:fs/promises");
  /** Files, synchronously (`/proc`). */
  "node:fs": typeof import("node:fs");
  /** HTTP over a Unix socket, and registry downloads on Node. */
  "node:http": typeof import("node:http");
  /** Registry downloads over TLS on Node. */
  "node:https": typeof import("node:https");
  /** Raw TCP: asking a registry port whether it speaks TLS. */
  "node:net": typeof import("node:net");
  /** The runtime's CA certificates (extra CAs of a registry are added to them). */
  "node:tls": typeof import("node:tls");
  /** Process identity, temporary folder, home folder, machine. */
  "node:os": typeof import("node:os");
  /** Native gzip and DEFLATE. */
  "node:zlib": typeof import("node:zlib");
  /** Credential helpers. */
  "node:child_process": typeof import("node:child_process");
  /** Async-context tracking (the store lock's re-entrance). */
  "node:async_hooks": typeof import("node:async_hooks");
}

interface BuiltinHost {
  process?: { getBuiltinModule?: (id: string) => unknown };
}

/**
 * The built-in module `specifier` of this runtime, or `undefined` where it has none (no
 * `process.getBuiltinModule`, or no such module).
 */
export function nodeBuiltin<K extends keyof NodeBuiltins>(
  specifier: K,
): NodeBuiltins[K] | undefined {
  try {
    const found = (globalThis as BuiltinHost).process?.getBuiltinModule?.(specifier);
    return (found ?? undefined) as NodeBuiltins[K] | undefined;
  } catch {
    return undefined;
  }
}

/**
 * The built-in module `specifier`; throws a `TypeError` naming `purpose` where the runtime
 * has none.
 */
export function requireNodeBuiltin<K extends keyof NodeBuiltins>(
  specifier: K,
  purpose: string,
): NodeBuiltins[K] {
  const found = nodeBuiltin(specifier);
  if (found === undefined) {
    throw new TypeError(`Cannot ${purpose}: this runtime has no "${specifier}"`);
  }
  return found;
}

/** `node:fs/promises`; throws a `TypeError` where the runtime has no disk. */
export function nodeFsPromises(): NodeBuiltins["node:fs/promises"] {
  return requireNodeBuiltin("node:fs/promises", "use the disk");
}
