/**
 * Streaming hashers behind one interface, with a choice of implementation: the runtime's
 * `node:crypto`, or stevedore's WebAssembly SHA-256 kernel.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { preferWasm } from "../wasm/_kernel_choice.ts";
import { WasmSha256 } from "../wasm/sha256.ts";
import { Digest, type DigestAlgorithm } from "./digest.ts";

/**
 * Which implementation hashes: `native` is `node:crypto` (Deno, Node and Bun all have
 * it); `wasm` is stevedore's SHA-256 kernel (sha384 and sha512 go through `node:crypto`);
 * `auto` picks the faster on this runtime, which measured as `node:crypto` on all three,
 * unless the environment variable `STEVEDORE_KERNELS=wasm` asks for WebAssembly.
 */
export type HashBackend = "auto" | "wasm" | "native";

/** A streaming hash: feed chunks, then take the digest once. */
export interface Hasher {
  /** The algorithm being computed. */
  readonly algorithm: DigestAlgorithm;
  /** The implementation in use (never `auto`). */
  readonly backend: "wasm" | "native";
  /** How many bytes were hashed so far. */
  readonly bytesHashed: number;
  /** Hashes `chunk` after what came before. */
  update(chunk: Uint8Array): void;
  /** Finishes and returns the digest; the hasher cannot be used afterwards. */
  digest(): Digest;
}

/** Options of {@linkcode createHasher}. */
export interface HasherOptions {
  /**
   * The hash algorithm.
   * @default {"sha256"}
   */
  algorithm?: DigestAlgorithm;
  /**
   * The implementation.
   * @default {"auto"}
   */
  backend?: HashBackend;
}

/** Which implementation `backend` means for `algorithm` on this runtime, now. */
export function resolveBackend(
  algorithm: DigestAlgorithm,
  backend: HashBackend = "auto",
): "wasm" | "native" {
  if (backend !== "auto" && backend !== "wasm" && backend !== "native") {
    throw new TypeError(`Unknown hash backend "${backend}"`);
  }
  if (algorithm !== "sha256") return "native";
  if (backend === "auto") return preferWasm() ? "wasm" : "native";
  return backend;
}

/**
 * Starts a streaming hasher.
 *
 * @example
 * ```ts
 * const hasher = createHasher({ algorithm: "sha256" });
 * hasher.update(new TextEncoder().encode("abc"));
 * hasher.digest().toString(); // "sha256:ba7816bf..."
 * ```
 */
export function createHasher(options: HasherOptions = {}): Hasher {
  const algorithm = options.algorithm ?? "sha256";
  if (algorithm !== "sha256" && algorithm !== "sha384" && algorithm !== "sha512") {
    throw new TypeError(`Unknown hash algorithm "${algorithm}"`);
  }
  return resolveBackend(algorithm, options.backend) === "wasm"
    ? new WasmHasher()
    : new NativeHasher(algorithm);
}

class NativeHasher implements Hasher {
  readonly algorithm: DigestAlgorithm;
  readonly backend = "native" as const;
  bytesHashed = 0;
  #hash: ReturnType<typeof createHash> | undefined;

  constructor(algorithm: DigestAlgorithm) {
    this.algorithm = algorithm;
    this.#hash = createHash(algorithm);
  }

  update(chunk: Uint8Array): void {
    if (this.#hash === undefined) throw new TypeError("Cannot use a hasher after digest()");
    this.#hash.update(chunk);
    this.bytesHashed += chunk.length;
  }

  digest(): Digest {
    if (this.#hash === undefined) throw new TypeError("Cannot use a hasher after digest()");
    const hex = this.#hash.digest("hex");
    this.#hash = undefined;
    return Digest.from(this.algorithm, hex);
  }
}

class WasmHasher implements Hasher {
  readonly algorithm = "sha256" as const;
  readonly backend = "wasm" as const;
  bytesHashed = 0;
  #hash = new WasmSha256();

  update(chunk: Uint8Array): void {
    this.#hash.update(chunk);
    this.bytesHashed += chunk.length;
  }

  digest(): Digest {
    return Digest.fromBytes("sha256", this.#hash.digest());
  }
}
