/**
 * Streaming hashers behind one interface, with a choice of implementation: the runtime's
 * `node:crypto`, or stevedore's WebAssembly SHA-256 kernel.
 *
 * @module
 */

import { nodeBuiltin } from "../host/node_builtin.ts";
import { preferWasm } from "../wasm/_kernel_choice.ts";
import { WasmSha256, wasmSha256Available } from "../wasm/sha256.ts";
import { PortableSha256 } from "./_sha256_portable.ts";
import { Digest, type DigestAlgorithm } from "./digest.ts";

/**
 * Which implementation hashes: `native` is `node:crypto` (Deno, Node and Bun all have
 * it); `wasm` is stevedore's SHA-256 kernel (sha384 and sha512 go through `node:crypto`);
 * `auto` picks the faster on this runtime, which measured as `node:crypto` on all three,
 * unless the environment variable `STEVEDORE_KERNELS=wasm` asks for WebAssembly. Where
 * the runtime has no `node:crypto` (an edge runtime), `auto` takes the kernel, and where
 * that cannot load either, a plain TypeScript SHA-256 (`portable`).
 */
export type HashBackend = "auto" | "wasm" | "native";

/** A streaming hash: feed chunks, then take the digest once. */
export interface Hasher {
  /** The algorithm being computed. */
  readonly algorithm: DigestAlgorithm;
  /** The implementation in use (never `auto`). */
  readonly backend: "wasm" | "native" | "portable";
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
): "wasm" | "native" | "portable" {
  if (backend !== "auto" && backend !== "wasm" && backend !== "native") {
    throw new TypeError(`Unknown hash backend "${backend}"`);
  }
  if (algorithm !== "sha256") return "native";
  if (backend !== "auto") return backend;
  const native = nodeCrypto() !== undefined;
  if (native && !preferWasm()) return "native";
  if (wasmSha256Available()) return "wasm";
  return native ? "native" : "portable";
}

function nodeCrypto(): typeof import("node:crypto") | undefined {
  return nodeBuiltin("node:crypto");
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
  const backend = resolveBackend(algorithm, options.backend);
  if (backend === "wasm") return new WasmHasher();
  if (backend === "portable") return portableHasher();
  return nativeHasher(algorithm);
}

/** What a {@linkcode Hasher} drives: feed chunks, then finish once. */
interface HashEngine {
  update(chunk: Uint8Array): void;
  finish(): Digest;
}

/** A {@linkcode Hasher} over an engine, spent after `digest()`. */
class EngineHasher implements Hasher {
  readonly algorithm: DigestAlgorithm;
  readonly backend: "native" | "portable";
  bytesHashed = 0;
  #engine: HashEngine | undefined;

  constructor(algorithm: DigestAlgorithm, backend: "native" | "portable", engine: HashEngine) {
    this.algorithm = algorithm;
    this.backend = backend;
    this.#engine = engine;
  }

  update(chunk: Uint8Array): void {
    if (this.#engine === undefined) throw new TypeError("Cannot use a hasher after digest()");
    this.#engine.update(chunk);
    this.bytesHashed += chunk.length;
  }

  digest(): Digest {
    if (this.#engine === undefined) throw new TypeError("Cannot use a hasher after digest()");
    const digest = this.#engine.finish();
    this.#engine = undefined;
    return digest;
  }
}

function nativeHasher(algorithm: DigestAlgorithm): Hasher {
  const crypto = nodeCrypto();
  if (crypto === undefined) {
    throw new TypeError(`Cannot hash with ${algorithm}: this runtime has no "node:crypto"`);
  }
  const hash = crypto.createHash(algorithm);
  return new EngineHasher(algorithm, "native", {
    update: (chunk) => hash.update(chunk),
    finish: () => Digest.from(algorithm, hash.digest("hex")),
  });
}

function portableHasher(): Hasher {
  const hash = new PortableSha256();
  return new EngineHasher("sha256", "portable", {
    update: (chunk) => hash.update(chunk),
    finish: () => Digest.fromBytes("sha256", hash.digest()),
  });
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
