import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { assertDigest, digestBytes, verifyDigest } from "../../src/digest/mod.ts";
import { DigestMismatchError, InvalidDigestError } from "../../src/errors.ts";

const hello = new TextEncoder().encode("hello");
const HELLO = "sha256:2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

describe("verifyDigest", () => {
  it("returns the digest of matching bytes", () => {
    assert.equal(verifyDigest(hello, HELLO, { size: 5 }), HELLO);
  });

  it("rejects other bytes, naming what they are", () => {
    assert.throws(
      () => verifyDigest(new TextEncoder().encode("hellO"), HELLO, { what: "greeting" }),
      (error: unknown) =>
        error instanceof DigestMismatchError && error.expected === HELLO &&
        error.message.includes('"greeting"') && error.bytesRead === 5,
    );
  });

  it("rejects a size that differs even when the digest matches", () => {
    assert.throws(() => verifyDigest(hello, HELLO, { size: 4 }), DigestMismatchError);
  });

  it("hashes with the algorithm of the expected digest", () => {
    const sha512 = digestBytes(hello, { algorithm: "sha512" }).toString();
    assert.equal(verifyDigest(hello, sha512), sha512);
    assert.throws(() => verifyDigest(hello, "sha256:nothex"), InvalidDigestError);
  });

  it("assertDigest compares a digest already computed", () => {
    assertDigest(HELLO, HELLO, 5);
    assert.throws(() => assertDigest(HELLO, "sha256:00", 5), DigestMismatchError);
  });
});
