// The fused gzip stage of decompressing copies: the same bytes and the same failures as a
// decompressor followed by a verifier.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "fflate";
import { inflatingVerifier } from "../../src/copy/_streams.ts";
import { CompressionError, DigestMismatchError } from "../../src/errors.ts";
import { sha256 } from "../helpers/random_image.ts";

async function run(input: Uint8Array, expected: string, size: number): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  // Fed in small pieces: the output pieces do not follow the input's.
  let offset = 0;
  const source = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= input.length) return controller.close();
      controller.enqueue(input.slice(offset, offset + 1000));
      offset += 1000;
    },
  });
  await source.pipeThrough(inflatingVerifier(expected, size, "layer")).pipeTo(
    new WritableStream({ write: (chunk) => void chunks.push(chunk.slice()) }),
  );
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}

describe("inflating verifier", () => {
  const plain = new Uint8Array(600_000).map((_, i) => (i * 31) ^ (i >> 9));
  const packed = gzipSync(plain);
  const digest = sha256(plain);

  it("inflates and passes bytes that match, with or without a known size", async () => {
    assert.deepEqual(await run(packed, digest, plain.length), plain);
    assert.deepEqual(await run(packed, digest, -1), plain);
  });

  it("fails a wrong digest or size, and bad gzip, with typed errors", async () => {
    await assert.rejects(run(packed, sha256(new Uint8Array(1)), -1), DigestMismatchError);
    await assert.rejects(run(packed, digest, plain.length + 1), DigestMismatchError);
    await assert.rejects(run(packed, digest, plain.length - 1), DigestMismatchError);
    await assert.rejects(run(packed.subarray(0, packed.length - 10), digest, -1), CompressionError);
  });
});
