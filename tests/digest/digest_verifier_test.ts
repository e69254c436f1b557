import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { Digest, digestVerifier } from "../../src/digest/mod.ts";
import { DigestCheck } from "../../src/digest/digest_verifier.ts";
import { DigestMismatchError, InvalidDigestError } from "../../src/errors.ts";
import { Random } from "../wasm/_random.ts";

const BACKENDS = ["wasm", "native"] as const;

function streamOf(pieces: Uint8Array[]): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    pull(controller) {
      if (i < pieces.length) controller.enqueue(pieces[i++]);
      else controller.close();
    },
  });
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const part of stream) parts.push(part);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

const random = new Random(21);
const data = random.bytes(100_000);
const good = `sha256:${createHash("sha256").update(data).digest("hex")}`;
const bad = `sha256:${"0".repeat(64)}`;

async function expectMismatch(
  stream: ReadableStream<Uint8Array>,
  check: (error: DigestMismatchError) => void,
): Promise<void> {
  await assert.rejects(collect(stream), (error: unknown) => {
    assert.ok(error instanceof DigestMismatchError, String(error));
    assert.equal(error.code, "DigestMismatch");
    check(error);
    return true;
  });
}

describe("digestVerifier", () => {
  for (const backend of BACKENDS) {
    it(`passes good content through unchanged (${backend})`, async () => {
      const out = await collect(
        streamOf(random.split(data, 30_000)).pipeThrough(
          digestVerifier(good, { size: data.length, backend }),
        ),
      );
      assert.deepEqual(out, data);
      const again = await collect(
        streamOf([data]).pipeThrough(digestVerifier(Digest.parse(good), { backend })),
      );
      assert.equal(again.length, data.length);
    });

    it(`fails on the wrong digest (${backend})`, async () => {
      await expectMismatch(
        streamOf([data]).pipeThrough(digestVerifier(bad, { backend, what: "blob x" })),
        (error) => {
          assert.equal(error.expected, bad);
          assert.equal(error.actual, good);
          assert.equal(error.bytesRead, data.length);
          assert.match(error.message, /^Cannot verify "blob x": expected digest sha256:0+, got /);
        },
      );
    });

    it(`fails on too few bytes even with the right digest (${backend})`, async () => {
      await expectMismatch(
        streamOf([data]).pipeThrough(digestVerifier(good, { size: data.length + 1, backend })),
        (error) => {
          assert.equal(error.actual, good);
          assert.equal(error.bytesRead, data.length);
          assert.equal(error.expectedSize, data.length + 1);
          assert.match(error.message, /expected 100001 bytes, read 100000/);
        },
      );
    });

    it(`fails as soon as more bytes than the size arrive (${backend})`, async () => {
      const pieces = [data.subarray(0, 60_000), data.subarray(60_000), new Uint8Array(5)];
      let pulled = 0;
      const source = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (pulled < pieces.length) controller.enqueue(pieces[pulled++]);
          else controller.close();
        },
      });
      const forwarded: number[] = [];
      const verified = source.pipeThrough(digestVerifier(good, { size: 70_000, backend }));
      await assert.rejects(
        (async () => {
          for await (const part of verified) forwarded.push(part.length);
        })(),
        (error: unknown) => {
          assert.ok(error instanceof DigestMismatchError);
          assert.equal(error.bytesRead, 100_000);
          assert.equal(error.expectedSize, 70_000);
          return true;
        },
      );
      assert.deepEqual(forwarded, [60_000]);
    });
  }

  it("hashes sha512 when the expected digest is sha512", async () => {
    const sha512 = `sha512:${createHash("sha512").update(data).digest("hex")}`;
    const out = await collect(streamOf([data]).pipeThrough(digestVerifier(sha512)));
    assert.equal(out.length, data.length);
  });

  it("hashes sha384, which go-digest knows too", async () => {
    const sha384 = `sha384:${createHash("sha384").update(data).digest("hex")}`;
    const out = await collect(streamOf([data]).pipeThrough(digestVerifier(sha384)));
    assert.equal(out.length, data.length);
    const wrong = `sha384:${"0".repeat(96)}`;
    await assert.rejects(
      collect(streamOf([data]).pipeThrough(digestVerifier(wrong))),
      DigestMismatchError,
    );
  });

  it("rejects a malformed expected digest or size at once", () => {
    assert.throws(() => digestVerifier("sha256:nope"), InvalidDigestError);
    assert.throws(() => digestVerifier(good, { size: -1 }), RangeError);
    assert.throws(() => digestVerifier(good, { size: 1.5 }), RangeError);
  });

  it("names the expected digest when no `what` is given", async () => {
    await expectMismatch(streamOf([data]).pipeThrough(digestVerifier(bad)), (error) => {
      assert.match(error.message, new RegExp(`^Cannot verify "${bad}"`));
    });
  });
});

describe("DigestCheck", () => {
  it("accepts the right bytes fed in pieces and counts them", () => {
    const check = new DigestCheck(good, { size: data.length });
    for (let offset = 0; offset < data.length; offset += 7777) {
      check.update(data.subarray(offset, offset + 7777));
    }
    assert.equal(check.bytesChecked, data.length);
    check.finish();
  });

  it("fails at the end on other bytes, and as soon as the size is passed", () => {
    const wrong = new DigestCheck(bad, { what: "a blob" });
    wrong.update(data);
    assert.throws(() => wrong.finish(), (error) => {
      assert.ok(error instanceof DigestMismatchError);
      assert.match(error.message, /a blob/);
      return true;
    });
    const short = new DigestCheck(good, { size: 10 });
    assert.throws(() => short.update(data.subarray(0, 11)), DigestMismatchError);
    const missing = new DigestCheck(good, { size: data.length });
    missing.update(data.subarray(1));
    assert.throws(() => missing.finish(), DigestMismatchError);
    assert.throws(() => new DigestCheck("sha256:xyz"), InvalidDigestError);
    assert.throws(() => new DigestCheck(good, { size: -1 }), RangeError);
  });
});
