/**
 * Loading of the embedded kernels, shared by the kernel loaders: each kernel compiles once
 * from its embedded bytes, or comes as a `WebAssembly.Module` the host provides (where
 * compiling bytes is not allowed, as in workerd), and is instantiated synchronously.
 *
 * @module
 */

/** The names of the kernels. */
export type KernelName = "sha256" | "crc32" | "inflate";

/** Compiled kernels (or why one cannot be compiled here), by name. */
const modules = new Map<KernelName, WebAssembly.Module | Error>();

/** Decodes base64 text (as embedded by `wasm/build.mjs`) into bytes. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  // The runtime's own decoder where it has one (Deno and Bun, `Buffer` on Node 20): a first
  // run of the loop below costs a short process 3-6 ms per kernel.
  const withDecoder = Uint8Array as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> };
  if (withDecoder.fromBase64 !== undefined) return withDecoder.fromBase64(text);
  const buffer = (globalThis as { Buffer?: { from(text: string, encoding: "base64"): Uint8Array } })
    .Buffer;
  if (buffer !== undefined) return new Uint8Array(buffer.from(text, "base64"));
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Uses `modules` (compiled by the host, for example imported as Wasm modules in a Worker)
 * for the kernels they name, instead of compiling the embedded bytes. Each must be the
 * module built from the kernel's embedded bytes; it serves every later use of the kernel.
 */
export function provideKernelModules(
  provided: Partial<Record<KernelName, WebAssembly.Module>>,
): void {
  for (const [name, module] of Object.entries(provided) as [KernelName, unknown][]) {
    if (!(module instanceof WebAssembly.Module)) {
      throw new TypeError(`Cannot use the "${name}" kernel: expected a WebAssembly.Module`);
    }
    modules.set(name, module);
  }
}

/**
 * The compiled kernel `name`: the host's module if one was provided, else the embedded
 * `base64` compiled once. Throws (every time) where this runtime cannot compile it.
 */
export function kernelModule(name: KernelName, base64: string): WebAssembly.Module {
  let module = modules.get(name);
  if (module === undefined) {
    try {
      module = new WebAssembly.Module(decodeBase64(base64));
    } catch (error) {
      module = new Error(`Cannot load the ${name} WebAssembly kernel: ${error}`, { cause: error });
    }
    modules.set(name, module);
  }
  if (module instanceof Error) throw module;
  return module;
}

/** Whether kernel `name` can be loaded on this runtime (see {@linkcode kernelModule}). */
export function kernelLoadable(name: KernelName, base64: string): boolean {
  try {
    kernelModule(name, base64);
    return true;
  } catch {
    return false;
  }
}

/**
 * Instantiates the kernel `name` (see {@linkcode kernelModule}), synchronously, and returns
 * its exports typed as `T`. The kernels import an `env.abort` they never call, and the
 * functions of `env` (the host's part of a kernel, such as inflate's `crc32`).
 */
export function instantiateKernel<T>(
  name: KernelName,
  base64: string,
  env: Record<string, (...args: number[]) => number> = {},
): T {
  const instance = new WebAssembly.Instance(kernelModule(name, base64), {
    env: {
      ...env,
      abort(): never {
        throw new Error(`The ${name} kernel aborted`);
      },
    },
  });
  return instance.exports as unknown as T;
}
