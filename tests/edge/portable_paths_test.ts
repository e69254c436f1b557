// The portable stand-ins the core uses where a runtime lacks Node's built-ins: POSIX paths,
// SHA-256 in TypeScript, gzip through DecompressionStream and fflate, host-provided kernel
// modules, chunk coalescing and the lock's re-entrance without async context. Each is
// checked against the native implementation of the runtime running the test.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import { posix as nodePosix } from "node:path";
import { gzipSync } from "node:zlib";
import { CompressionError } from "../../src/errors.ts";
import { PortableSha256 } from "../../src/digest/_sha256_portable.ts";
import {
  portableInflateAll,
  portableInflateStream,
} from "../../src/compression/_portable_inflate.ts";
import { nodeBuiltin } from "../../src/host/node_builtin.ts";
import { posix } from "../../src/fs/posix_path.ts";
import { heldLocks } from "../../src/store/_held_locks.ts";
import { coalesceChunks } from "../../src/streams/mod.ts";
import { kernelModule, provideKernelModules } from "../../src/wasm/kernel_modules.ts";
import { sha256Base64 } from "../../src/wasm/sha256_bytes.ts";
import { WasmSha256 } from "../../src/wasm/mod.ts";

function streamOf(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const chunk of stream) out.push(chunk);
  return out;
}

describe("portable stand-ins", () => {
  it("joins and splits paths as node:path's posix does", () => {
    const cases: string[][] = [
      ["/home/u", ".config"],
      ["/a/b", "../c"],
      ["a", "..", ".."],
      ["/", ".."],
      ["", ""],
      ["a/", "b/"],
      ["//x//y/", "./z"],
      ["/a", "/b"],
      ["..", "a"],
    ];
    for (const parts of cases) {
      assert.equal(posix.join(...parts), nodePosix.join(...parts), parts.join(","));
    }
    for (const path of ["/a/b/c", "/a", "/", "a", "a/b/", "", "./x", "/x/y/"]) {
      assert.equal(posix.dirname(path), nodePosix.dirname(path), path);
    }
  });

  it("hashes SHA-256 in TypeScript like node:crypto, in any chunking", () => {
    for (const size of [0, 1, 55, 56, 63, 64, 65, 1000, 70_000]) {
      const data = new Uint8Array(randomBytes(size));
      const want = createHash("sha256").update(data).digest("hex");
      const hasher = new PortableSha256();
      for (let at = 0; at < size; at += 37) hasher.update(data.subarray(at, at + 37));
      assert.equal(Buffer.from(hasher.digest()).toString("hex"), want, `size ${size}`);
    }
  });

  it("decodes gzip through DecompressionStream and fflate, with typed errors", async () => {
    const data = new Uint8Array(randomBytes(100_000));
    const packed = new Uint8Array(gzipSync(data));
    const pieces = [packed.subarray(0, 7), packed.subarray(7, 5000), packed.subarray(5000)];
    const out = await collect(streamOf(pieces).pipeThrough(portableInflateStream("gzip", "x")));
    assert.deepEqual(Buffer.concat(out), Buffer.from(data));
    assert.deepEqual(portableInflateAll(packed, "gzip", "x"), data);
    const broken = packed.slice();
    broken[broken.length - 6] ^= 0xff; // the CRC-32
    await assert.rejects(
      collect(streamOf([broken]).pipeThrough(portableInflateStream("gzip", "layer"))),
      (error: unknown) => error instanceof CompressionError && /layer/.test(error.message),
    );
    assert.throws(
      () => portableInflateAll(new Uint8Array([1, 2, 3]), "gzip", "y"),
      CompressionError,
    );
  });

  it("runs the SHA-256 kernel from a module the host provides", () => {
    assert.throws(
      () => provideKernelModules({ sha256: new Uint8Array(4) as unknown as WebAssembly.Module }),
      TypeError,
    );
    const module = new WebAssembly.Module(
      Uint8Array.from(atob(sha256Base64), (c) => c.charCodeAt(0)),
    );
    provideKernelModules({ sha256: module });
    assert.equal(kernelModule("sha256", "not base64 at all"), module);
    const bytes = new TextEncoder().encode("abc");
    assert.equal(
      Buffer.from(new WasmSha256().update(bytes).digest()).toString("hex"),
      createHash("sha256").update(bytes).digest("hex"),
    );
  });

  it("joins small chunks and keeps large ones", async () => {
    const small = Array.from({ length: 10 }, (_, i) => new Uint8Array(3).fill(i));
    const big = new Uint8Array(20).fill(9);
    const out = await collect(streamOf([...small, big, small[0]]).pipeThrough(coalesceChunks(8)));
    assert.deepEqual(out.map((c) => c.length), [9, 9, 9, 3 + 20, 3]);
    assert.deepEqual(Buffer.concat(out), Buffer.concat([...small, big, small[0]]));
    const alone = await collect(streamOf([big]).pipeThrough(coalesceChunks(8)));
    assert.equal(alone[0], big);
  });

  it("keeps the lock re-entrant without async context", async () => {
    const held = heldLocks<string>({ asyncContext: false });
    assert.equal(held.getStore(), undefined);
    const seen = await held.run(new Set(["a"]), async () => {
      await Promise.resolve();
      return held.run(new Set(["a", "b"]), () => Promise.resolve([...held.getStore()!].sort()));
    });
    assert.deepEqual(seen, ["a", "b"]);
    assert.equal(held.getStore(), undefined);
  });

  it("finds Node built-ins here, and nothing for unknown names", () => {
    assert.equal(typeof nodeBuiltin("node:zlib")?.gunzipSync, "function");
    assert.equal(nodeBuiltin("node:nope" as "node:zlib"), undefined);
  });
});
