import { afterEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import process from "node:process";
import { computeDigest, createHasher, resolveBackend } from "../../src/digest/mod.ts";
import { KERNELS_ENV } from "../../src/wasm/_kernel_choice.ts";
import { Random } from "../wasm/_random.ts";

const BACKENDS = ["wasm", "native", "auto"] as const;
const ALGORITHMS = ["sha256", "sha512"] as const;

function streamOf(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]);
      else controller.close();
    },
  });
}

describe("createHasher", () => {
  const saved = process.env[KERNELS_ENV];
  afterEach(() => {
    if (saved === undefined) delete process.env[KERNELS_ENV];
    else process.env[KERNELS_ENV] = saved;
  });

  for (const algorithm of ALGORITHMS) {
    for (const backend of BACKENDS) {
      it(`${algorithm} on the ${backend} backend agrees with node:crypto`, () => {
        const random = new Random(algorithm.length * 7 + backend.length);
        for (const size of [0, 1, 55, 56, 64, 111, 112, 128, 129, 5000, 300_000]) {
          const data = random.bytes(size);
          const hasher = createHasher({ algorithm, backend });
          for (const piece of random.split(data, 70_000)) hasher.update(piece);
          assert.equal(hasher.bytesHashed, size);
          const digest = hasher.digest();
          assert.equal(digest.algorithm, algorithm);
          assert.equal(digest.hex, createHash(algorithm).update(data).digest("hex"));
          assert.throws(() => hasher.update(data), TypeError);
        }
      });
    }
  }

  it("uses the wasm kernel for sha256 only", () => {
    assert.equal(createHasher({ backend: "wasm" }).backend, "wasm");
    assert.equal(createHasher({ algorithm: "sha512", backend: "wasm" }).backend, "native");
    assert.equal(createHasher({ backend: "native" }).backend, "native");
  });

  it("picks node:crypto on auto unless STEVEDORE_KERNELS=wasm", () => {
    delete process.env[KERNELS_ENV];
    assert.equal(resolveBackend("sha256", "auto"), "native");
    assert.equal(createHasher().backend, "native");
    process.env[KERNELS_ENV] = "wasm";
    assert.equal(resolveBackend("sha256"), "wasm");
    assert.equal(createHasher().backend, "wasm");
    assert.equal(resolveBackend("sha256", "native"), "native");
    assert.equal(resolveBackend("sha512", "auto"), "native");
  });

  it("rejects unknown algorithms and backends", () => {
    // @ts-expect-error: testing a bad argument
    assert.throws(() => createHasher({ algorithm: "md5" }), TypeError);
    // @ts-expect-error: testing a bad argument
    assert.throws(() => createHasher({ backend: "gpu" }), TypeError);
  });
});

describe("computeDigest", () => {
  for (const backend of BACKENDS) {
    it(`hashes bytes and streams alike (${backend})`, async () => {
      const random = new Random(backend.length);
      const data = random.bytes(200_003);
      const expected = `sha256:${createHash("sha256").update(data).digest("hex")}`;
      assert.equal((await computeDigest(data, { backend })).toString(), expected);
      const streamed = await computeDigest(streamOf(random.split(data, 50_000)), { backend });
      assert.equal(streamed.toString(), expected);
      const sha512 = await computeDigest(streamOf([data]), { algorithm: "sha512", backend });
      assert.equal(sha512.hex, createHash("sha512").update(data).digest("hex"));
    });
  }

  it("hashes an empty stream", async () => {
    const digest = await computeDigest(streamOf([]), { backend: "wasm" });
    assert.equal(digest.hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  });

  it("passes on the error of a failing stream", async () => {
    const failing = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(10));
        controller.error(new Error("disk on fire"));
      },
    });
    await assert.rejects(computeDigest(failing), /disk on fire/);
  });
});
