// libimage naming rules: NormalizeName, the short-name test, tag-and-digest stripping and
// image-ID inputs. Cases ported from containers/common libimage/normalize_test.go and
// containers/image pkg/shortnames/shortnames_test.go.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidReferenceError } from "../../src/errors.ts";
import {
  isFullIdentifier,
  isIdPrefixLike,
  isImageId,
  isShortName,
  normalizeName,
  parseImageId,
  parseReference,
  stripTagIfDigested,
} from "../../src/reference/mod.ts";
import { assertInvalid, hex64 } from "./_helpers.ts";

const DIGEST = "@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const D366 = "@sha256:d366a4665ab44f0648d7a00ae3fae139d55e32f9712c67accd604bb55df9d05a";

describe("normalizeName", () => {
  it("normalizes like libimage", () => {
    const rows: [string, string][] = [
      ["example.com/busybox", "example.com/busybox:latest"],
      ["example.com/busybox:notlatest", "example.com/busybox:notlatest"],
      ["example.com/busybox" + DIGEST, "example.com/busybox" + DIGEST],
      ["example.com/busybox:notlatest" + DIGEST, "example.com/busybox" + DIGEST],
      ["busybox:latest", "localhost/busybox:latest"],
      ["busybox:latest" + DIGEST, "localhost/busybox" + DIGEST],
      ["localhost/busybox", "localhost/busybox:latest"],
      ["ns/busybox:latest", "localhost/ns/busybox:latest"],
      ["docker.io/busybox:latest", "docker.io/library/busybox:latest"],
      ["busybox", "localhost/busybox:latest"],
      ["busybox" + DIGEST, "localhost/busybox" + DIGEST],
      ["docker.io/busybox", "docker.io/library/busybox:latest"],
      ["index.docker.io/busybox", "docker.io/library/busybox:latest"],
      ["docker.io/library/foo/bar:1", "docker.io/library/foo/bar:1"],
      ["localhost:5000/foo", "localhost:5000/foo:latest"],
      ["[::1]:5000/foo:2", "[::1]:5000/foo:2"],
      ["quay.io/a/b/c", "quay.io/a/b/c:latest"],
      ["library/fedora", "localhost/library/fedora:latest"],
      ["foo_bar.com/app", "localhost/foo_bar.com/app:latest"],
      ["a.b/c" + DIGEST, "a.b/c" + DIGEST],
      // libimage's NormalizeName does not reject ID-like input (Tag/Untag check first).
      [hex64("a"), `localhost/${hex64("a")}:latest`],
      [`sha256:${hex64("a")}`, `localhost/sha256:${hex64("a")}`],
    ];
    for (const [input, expected] of rows) {
      const ref = normalizeName(input);
      assert.equal(ref.toString(), expected, input);
      assert.ok(normalizeName(ref.toString()).equals(ref), `idempotent on ${input}`);
    }
  });

  it("rejects invalid names, reporting the original input", () => {
    assertInvalid(normalizeName, "#", "InvalidFormat");
    assertInvalid(normalizeName, "", "NameEmpty");
    assertInvalid(normalizeName, "upperCase", "NameContainsUppercase");
    assertInvalid(normalizeName, "Foo/bar", "NameContainsUppercase");
    assertInvalid(normalizeName, "docker://busybox", "InvalidFormat");
    assertInvalid(normalizeName, "a:b/c", "InvalidFormat");
    // "localhost/" pushes a 246-character short name over the limit.
    assert.equal(normalizeName("x".repeat(245)).name.length, 255);
    assertInvalid(normalizeName, "x".repeat(246), "NameTooLong");
  });
});

describe("isShortName", () => {
  it("matches containers/image pkg/shortnames", () => {
    const rows: [string, boolean][] = [
      ["fedora", true],
      ["fedora:latest", true],
      ["library/fedora", true],
      ["library/fedora:latest", true],
      ["busybox" + D366, true],
      ["busybox:latest" + D366, true],
      ["quay.io/fedora", false],
      ["docker.io/fedora", false],
      ["docker.io/library/fedora:latest", false],
      ["localhost/fedora", false],
      ["localhost:5000/fedora:latest", false],
      ["example.foo.this.may.be.garbage.but.maybe.not:1234/fedora:latest", false],
      ["docker.io/library/busybox" + D366, false],
      ["docker.io/library/busybox:latest" + D366, false],
      ["docker.io/fedora" + D366, false],
      ["[::1]:5000/fedora", false],
      ["registry:5000/fedora", false],
      ["Foo/bar", true],
      ["foo_bar.com/app", true],
      ["", false],
      ["$$$", false],
      ["::", false],
      ["docker://quay.io/library/foo:bar", false],
      [" ", false],
      ["Invalid#$", false],
    ];
    for (const [input, short] of rows) assert.equal(isShortName(input), short, input);
  });
});

describe("stripTagIfDigested", () => {
  it("drops the tag only when a digest is present", () => {
    const rows: [string, string][] = [
      ["fedora", "fedora"],
      ["fedora:tag", "fedora:tag"],
      ["fedora" + DIGEST, "fedora" + DIGEST],
      ["fedora:latest" + DIGEST, "fedora" + DIGEST],
      ["repo/fedora:123456" + DIGEST, "repo/fedora" + DIGEST],
      ["quay.io/repo/fedora:tag" + DIGEST, "quay.io/repo/fedora" + DIGEST],
      ["localhost/fedora:anothertag" + DIGEST, "localhost/fedora" + DIGEST],
      ["localhost:5000/fedora:v1.2.3.4.5" + DIGEST, "localhost:5000/fedora" + DIGEST],
    ];
    for (const [input, expected] of rows) {
      assert.equal(stripTagIfDigested(parseReference(input)).toString(), expected, input);
    }
    for (const bad of ["$$garbage", DIGEST, "docker://fedora:latest", "docker://fedora" + DIGEST]) {
      assert.throws(() => parseReference(bad), InvalidReferenceError, bad);
    }
  });
});

describe("image IDs", () => {
  it("isImageId follows libimage's local-only test", () => {
    const rows: [string, boolean][] = [
      [hex64("a"), true],
      [`sha256:${hex64("a")}`, true],
      ["sha256:abc", true],
      ["sha256:", true],
      ["z".repeat(64), true],
      ["a".repeat(63), false],
      ["a".repeat(65), false],
      ["a".repeat(63) + ":", false],
      ["a".repeat(63) + "/", false],
      ["a".repeat(63) + ".", false],
      ["a".repeat(63) + "@", false],
      ["sha512:" + hex64("a"), false],
      ["alpine", false],
      ["", false],
    ];
    for (const [input, id] of rows) assert.equal(isImageId(input), id, input);
  });

  it("parseImageId extracts the hex ID or rejects a bad sha256: input", () => {
    assert.equal(parseImageId(hex64("c")), hex64("c"));
    assert.equal(parseImageId(`sha256:${hex64("c")}`), hex64("c"));
    assert.equal(parseImageId("alpine"), undefined);
    assert.equal(parseImageId(hex64("C")), undefined);
    for (const bad of ["sha256:abc", `sha256:${hex64("C")}`, "sha256:", `sha256:${hex64("c")}0`]) {
      assert.throws(
        () => parseImageId(bad),
        (e: unknown) =>
          e instanceof InvalidReferenceError && e.reason === "InvalidFormat" && e.input === bad &&
          e.message.includes("no 64-byte hexadecimal value"),
        bad,
      );
    }
  });

  it("recognizes full IDs and ID prefixes", () => {
    assert.ok(isFullIdentifier("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821"));
    assert.ok(
      !isFullIdentifier("7EC43B381E5AEFE6E04EFB0B3F0693FF2A4A50652D64AEC573905F2DB5889A1C"),
    );
    assert.ok(!isFullIdentifier("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf"));
    assert.ok(
      !isFullIdentifier("sha256:da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf9821"),
    );
    assert.ok(
      !isFullIdentifier("da304e823d8ca2b9d863a3c897baeb852ba21ea9a9f1414736394ae7fcaf98218482"),
    );
    assert.ok(isIdPrefixLike("a"));
    assert.ok(isIdPrefixLike("0123abcdef"));
    assert.ok(isIdPrefixLike(hex64("9")));
    assert.ok(!isIdPrefixLike(hex64("9") + "9"));
    assert.ok(!isIdPrefixLike(""));
    assert.ok(!isIdPrefixLike("abcg"));
    assert.ok(!isIdPrefixLike("ABC"));
  });
});
