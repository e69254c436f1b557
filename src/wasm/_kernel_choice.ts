/**
 * Which implementation of a hot kernel (hashing, compression) to use: the measured faster
 * native one of the runtime, or stevedore's WebAssembly one. The environment variable
 * `STEVEDORE_KERNELS` overrides the measured choice: `wasm` forces WebAssembly, `native`
 * forces the runtime's own.
 *
 * @module
 */

/** What `STEVEDORE_KERNELS` asks for: `auto` when it is unset or unknown. */
export type KernelPreference = "auto" | "wasm" | "native";

/** The name of the environment variable read by {@linkcode kernelPreference}. */
export const KERNELS_ENV = "STEVEDORE_KERNELS";

interface EnvHost {
  Deno?: {
    env?: { get(name: string): string | undefined };
    permissions?: { querySync?(descriptor: { name: "env"; variable: string }): { state: string } };
  };
  process?: { env?: Record<string, string | undefined> };
}

/**
 * Reads an environment variable without ever failing or prompting: `undefined` where the
 * runtime has no environment or does not grant access to it.
 */
function readEnv(name: string): string | undefined {
  const host = globalThis as EnvHost;
  try {
    const deno = host.Deno;
    if (deno?.env !== undefined) {
      const status = deno.permissions?.querySync?.({ name: "env", variable: name });
      if (status !== undefined && status.state !== "granted") return undefined;
      return deno.env.get(name);
    }
    return host.process?.env?.[name];
  } catch {
    return undefined;
  }
}

/** The kernel preference set through `STEVEDORE_KERNELS` (read each call). */
export function kernelPreference(): KernelPreference {
  const value = readEnv(KERNELS_ENV)?.trim().toLowerCase();
  return value === "wasm" || value === "native" ? value : "auto";
}

/** Whether `STEVEDORE_KERNELS=wasm` asks for the WebAssembly kernels. */
export function preferWasm(): boolean {
  return kernelPreference() === "wasm";
}

/** The JavaScript runtime this code runs on, for choices measured per runtime. */
export function hostRuntime(): "deno" | "bun" | "node" | "other" {
  const host = globalThis as { Deno?: unknown; Bun?: unknown; process?: { versions?: object } };
  if (host.Deno !== undefined) return "deno";
  if (host.Bun !== undefined) return "bun";
  if (host.process?.versions !== undefined && "node" in host.process.versions) return "node";
  return "other";
}
