/**
 * Shared set-up of the registry client tests: a fake token registry, a client on it with
 * a recording `sleep`, and small byte helpers.
 *
 * @module
 */
import assert from "node:assert/strict";
import { RegistryClient, type RegistryClientOptions } from "../../src/registry/mod.ts";
import { sha256, TokenRegistry, type TokenRegistryOptions } from "../helpers/token_registry.ts";

export { sha256 };

/** What {@linkcode setup} returns. */
export interface Setup {
  fake: TokenRegistry;
  client: RegistryClient;
  /** Every pause the client asked for, in milliseconds. */
  sleeps: number[];
}

/** A fake registry and a client talking to it (no real pauses). */
export function setup(
  options: TokenRegistryOptions = {},
  client: Partial<RegistryClientOptions> = {},
): Setup {
  const fake = new TokenRegistry(options);
  const sleeps: number[] = [];
  return {
    fake,
    sleeps,
    client: new RegistryClient({
      registry: fake.host,
      fetch: fake.fetch,
      sleep: (ms) => {
        sleeps.push(ms);
        return Promise.resolve();
      },
      ...client,
    }),
  };
}

/** UTF-8 bytes of a string. */
export function bytesOf(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** `n` pseudo-random bytes (deterministic for a seed). */
export function randomBytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** What `promise` rejects with; fails the test when it resolves. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return await promise.then(() => assert.fail("expected a rejection"), (e: unknown) => e);
}

/** Reads a whole stream. */
export async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** A stream over `bytes`, in pieces of `piece` bytes. */
export function streamOf(bytes: Uint8Array, piece = 7): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.byteLength) return controller.close();
      controller.enqueue(bytes.slice(at, at + piece));
      at += piece;
    },
  });
}

/** A small OCI image manifest over a config and layers (all given as bytes). */
export function ociManifest(config: Uint8Array, layers: Uint8Array[]): Uint8Array {
  const descriptor = (mediaType: string, bytes: Uint8Array) => ({
    mediaType,
    digest: sha256(bytes),
    size: bytes.byteLength,
  });
  return bytesOf(JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: descriptor("application/vnd.oci.image.config.v1+json", config),
    layers: layers.map((l) => descriptor("application/vnd.oci.image.layer.v1.tar", l)),
  }));
}
