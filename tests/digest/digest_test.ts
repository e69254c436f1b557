import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Digest, isDigestAlgorithm } from "../../src/digest/digest.ts";
import { InvalidDigestError, type InvalidDigestReason } from "../../src/errors.ts";

const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
const EMPTY_SHA512 = "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce" +
  "47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

function assertInvalid(text: string, reason: InvalidDigestReason): void {
  assert.throws(
    () => Digest.parse(text),
    (error: unknown) => {
      assert.ok(error instanceof InvalidDigestError, `${text}: ${error}`);
      assert.equal(error.reason, reason, `${text}: ${error.message}`);
      assert.equal(error.input, text);
      assert.equal(error.code, "InvalidDigest");
      assert.match(error.message, /^Cannot parse digest "/);
      return true;
    },
  );
  assert.equal(Digest.isValid(text), false);
}

describe("Digest", () => {
  it("parses sha256 and sha512 digests and prints them back", () => {
    const a = Digest.parse(`sha256:${EMPTY_SHA256}`);
    assert.equal(a.algorithm, "sha256");
    assert.equal(a.hex, EMPTY_SHA256);
    assert.equal(a.toString(), `sha256:${EMPTY_SHA256}`);
    assert.equal(JSON.stringify({ a }), `{"a":"sha256:${EMPTY_SHA256}"}`);
    const b = Digest.parse(`sha512:${EMPTY_SHA512}`);
    assert.equal(b.algorithm, "sha512");
    assert.equal(b.hex.length, 128);
    assert.equal(`${b}`, `sha512:${EMPTY_SHA512}`);
  });

  it("compares by value, with digests or strings", () => {
    const a = Digest.parse(`sha256:${EMPTY_SHA256}`);
    assert.ok(a.equals(Digest.parse(`sha256:${EMPTY_SHA256}`)));
    assert.ok(a.equals(`sha256:${EMPTY_SHA256}`));
    assert.ok(!a.equals(`sha256:${"0".repeat(64)}`));
    assert.ok(!a.equals(Digest.parse(`sha512:${EMPTY_SHA512}`)));
    assert.ok(!a.equals(`SHA256:${EMPTY_SHA256}`));
  });

  it("builds from raw hash bytes", () => {
    const bytes = new Uint8Array(32).map((_, i) => i * 8);
    const digest = Digest.fromBytes("sha256", bytes);
    assert.equal(digest.hex.slice(0, 8), "00081018");
    assert.equal(digest.hex.length, 64);
    assert.throws(() => Digest.fromBytes("sha512", bytes), InvalidDigestError);
  });

  it("rejects a missing colon or a malformed part", () => {
    assertInvalid("", "InvalidFormat");
    assertInvalid(EMPTY_SHA256, "InvalidFormat");
    assertInvalid(`sha256${EMPTY_SHA256}`, "InvalidFormat");
    assertInvalid(`:${EMPTY_SHA256}`, "InvalidFormat");
    assertInvalid("sha256:", "InvalidFormat");
    assertInvalid(`Sha256:${EMPTY_SHA256}`, "InvalidFormat");
    assertInvalid(`sha256::${EMPTY_SHA256}`, "InvalidFormat");
    assertInvalid(`sha256:${EMPTY_SHA256} `, "InvalidFormat");
    assertInvalid(`sha256:${EMPTY_SHA256.slice(1)}!`, "InvalidFormat");
    assertInvalid(`sha256+:${EMPTY_SHA256}`, "InvalidFormat");
  });

  it("rejects algorithms it does not support", () => {
    assertInvalid(`md5:${"a".repeat(32)}`, "UnsupportedAlgorithm");
    assertInvalid(`sha3:${"a".repeat(64)}`, "UnsupportedAlgorithm");
    assertInvalid(`sha256+b64u:${EMPTY_SHA256}`, "UnsupportedAlgorithm");
    assertInvalid(
      "multihash+base58:QmRZxt2b1FVZPNqd8hsiykDL3TdBDeTSPX9Kv46HmX4Gx8",
      "UnsupportedAlgorithm",
    );
  });

  it("rejects a hex part of the wrong length", () => {
    assertInvalid(`sha256:${EMPTY_SHA256.slice(0, 63)}`, "InvalidLength");
    assertInvalid(`sha256:${EMPTY_SHA256}0`, "InvalidLength");
    assertInvalid(`sha256:${EMPTY_SHA512}`, "InvalidLength");
    assertInvalid(`sha512:${EMPTY_SHA256}`, "InvalidLength");
    assertInvalid("sha256:abc", "InvalidLength");
  });

  it("rejects uppercase or non-hex characters", () => {
    assertInvalid(`sha256:${EMPTY_SHA256.toUpperCase()}`, "InvalidHex");
    assertInvalid(`sha256:${EMPTY_SHA256.slice(0, 63)}A`, "InvalidHex");
    assertInvalid(`sha256:${EMPTY_SHA256.slice(0, 63)}g`, "InvalidHex");
    assertInvalid(`sha512:${EMPTY_SHA512.slice(0, 127)}=`, "InvalidHex");
  });

  it("knows its algorithms", () => {
    assert.ok(isDigestAlgorithm("sha256"));
    assert.ok(isDigestAlgorithm("sha512"));
    assert.ok(!isDigestAlgorithm("sha1"));
    assert.ok(!isDigestAlgorithm("toString"));
  });
});
