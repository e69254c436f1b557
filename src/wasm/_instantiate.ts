/**
 * Synchronous instantiation of an embedded kernel, shared by the kernel loaders.
 *
 * @module
 */

/** Decodes base64 text (as embedded by `wasm/build.mjs`) into bytes. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Compiles and instantiates the kernel embedded as `base64`, synchronously, and returns
 * its exports typed as `T`. The kernels import nothing but an `env.abort` they never call.
 */
export function instantiateKernel<T>(name: string, base64: string): T {
  const module = new WebAssembly.Module(decodeBase64(base64));
  const instance = new WebAssembly.Instance(module, {
    env: {
      abort(): never {
        throw new Error(`The ${name} kernel aborted`);
      },
    },
  });
  return instance.exports as unknown as T;
}
