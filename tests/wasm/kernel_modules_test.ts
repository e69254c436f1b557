import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { decodeBase64 } from "../../src/wasm/kernel_modules.ts";
import { crc32Base64 } from "../../src/wasm/crc32_bytes.ts";
import { inflateBase64 } from "../../src/wasm/inflate_bytes.ts";
import { sha256Base64 } from "../../src/wasm/sha256_bytes.ts";

/** Runs `fn` with the global decoders `hidden` removed (as on runtimes without them). */
function without<T>(hidden: [object, string][], fn: () => T): T {
  const saved = hidden.map(([owner, key]) => Object.getOwnPropertyDescriptor(owner, key));
  hidden.forEach(([owner, key], i) => {
    if (saved[i] !== undefined) delete (owner as Record<string, unknown>)[key];
  });
  try {
    for (const [owner, key] of hidden) {
      assert.equal((owner as Record<string, unknown>)[key], undefined);
    }
    return fn();
  } finally {
    hidden.forEach(([owner, key], i) => {
      if (saved[i] !== undefined) Object.defineProperty(owner, key, saved[i]!);
    });
  }
}

/** The decoder paths: the runtime's own, `Buffer`'s, and `atob` with a loop. */
const PATHS: [string, [object, string][]][] = [
  ["as the runtime has it", []],
  ["without Uint8Array.fromBase64", [[Uint8Array, "fromBase64"]]],
  ["with atob only", [[Uint8Array, "fromBase64"], [globalThis, "Buffer"]]],
];

describe("decodeBase64", () => {
  for (const [name, hidden] of PATHS) {
    it(`decodes the embedded kernels and every byte value, ${name}`, () => {
      without(hidden, () => {
        for (const text of [sha256Base64, crc32Base64, inflateBase64]) {
          const bytes = decodeBase64(text);
          assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]); // "\0asm"
          assert.equal(bytes.length, Math.floor(text.replace(/=+$/, "").length * 3 / 4));
          assert.ok(bytes.buffer instanceof ArrayBuffer);
          assert.equal(bytes.byteOffset, 0);
        }
        const all = Uint8Array.from({ length: 256 }, (_, i) => i);
        assert.deepEqual(decodeBase64(btoa(String.fromCharCode(...all))), all);
        assert.deepEqual(decodeBase64("YQ=="), new Uint8Array([0x61]));
        assert.deepEqual(decodeBase64("YWI="), new Uint8Array([0x61, 0x62]));
      });
    });
  }

  it("gives the same bytes on every path", () => {
    for (const text of [sha256Base64, crc32Base64, inflateBase64]) {
      const [first, ...rest] = PATHS.map(([, hidden]) => without(hidden, () => decodeBase64(text)));
      for (const other of rest) assert.deepEqual(other, first);
    }
  });
});
