// Unnormalized parsing, ParseAnyReference, ParseNamed, ParseDockerRef, the domain grammar and
// the Reference helpers. Cases ported from distribution/reference's tests.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { InvalidReferenceReason } from "../../src/errors.ts";
import {
  familiarName,
  familiarString,
  isDigestReference,
  isReference,
  isValidDigest,
  isValidDomain,
  isValidTag,
  parseAnyReference,
  parseDockerRef,
  parseNamed,
  parseNormalizedName,
  parseReference,
  tagNameOnly,
  trimNamed,
} from "../../src/reference/mod.ts";
import { assertInvalid, hex64 } from "./_helpers.ts";

const F64 = hex64("f");
const F128 = "f".repeat(128);
const BE17 = "sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912";
const DBCC = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";

describe("parseReference (unnormalized)", () => {
  it("parses references as written", () => {
    // [input, domain, name, tag, digest]
    type Row = [string, string, string, string?, string?];
    const rows: Row[] = [
      ["test_com", "", "test_com"],
      ["test.com:tag", "", "test.com", "tag"],
      ["test.com:5000", "", "test.com", "5000"],
      ["test.com/repo:tag", "test.com", "test.com/repo", "tag"],
      ["test:5000/repo", "test:5000", "test:5000/repo"],
      ["test:5000/repo:tag", "test:5000", "test:5000/repo", "tag"],
      [`test:5000/repo@sha256:${F64}`, "test:5000", "test:5000/repo", undefined, `sha256:${F64}`],
      [`test:5000/repo:tag@sha256:${F64}`, "test:5000", "test:5000/repo", "tag", `sha256:${F64}`],
      ["lowercase:Uppercase", "", "lowercase", "Uppercase"],
      [
        "a/".repeat(127) + "a:tag-puts-this-over-max",
        "a",
        "a/".repeat(127) + "a",
        "tag-puts-this-over-max",
      ],
      ["sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com", "sub-dom1.foo.com/bar/baz/quux"],
      [
        "sub-dom1.foo.com/bar/baz/quux:some-long-tag",
        "sub-dom1.foo.com",
        "sub-dom1.foo.com/bar/baz/quux",
        "some-long-tag",
      ],
      [
        "b.gcr.io/test.example.com/my-app:test.example.com",
        "b.gcr.io",
        "b.gcr.io/test.example.com/my-app",
        "test.example.com",
      ],
      ["xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com", "xn--n3h.com/myimage", "xn--n3h.com"],
      [
        `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${F128}`,
        "xn--7o8h.com",
        "xn--7o8h.com/myimage",
        "xn--7o8h.com",
        `sha512:${F128}`,
      ],
      ["foo_bar.com:8080", "", "foo_bar.com", "8080"],
      ["foo/foo_bar.com:8080", "foo", "foo/foo_bar.com", "8080"],
      ["192.168.1.1", "", "192.168.1.1"],
      ["192.168.1.1:tag", "", "192.168.1.1", "tag"],
      ["192.168.1.1:5000", "", "192.168.1.1", "5000"],
      ["192.168.1.1/repo", "192.168.1.1", "192.168.1.1/repo"],
      ["192.168.1.1:5000/repo", "192.168.1.1:5000", "192.168.1.1:5000/repo"],
      ["192.168.1.1:5000/repo:5050", "192.168.1.1:5000", "192.168.1.1:5000/repo", "5050"],
      ["[2001:db8::1]/repo", "[2001:db8::1]", "[2001:db8::1]/repo"],
      [
        "[2001:db8:1:2:3:4:5:6]/repo:tag",
        "[2001:db8:1:2:3:4:5:6]",
        "[2001:db8:1:2:3:4:5:6]/repo",
        "tag",
      ],
      ["[2001:db8::1]:5000/repo", "[2001:db8::1]:5000", "[2001:db8::1]:5000/repo"],
      ["[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000", "[2001:db8::1]:5000/repo", "tag"],
      ["[2001:db8::]:5000/repo", "[2001:db8::]:5000", "[2001:db8::]:5000/repo"],
      ["[::1]:5000/repo", "[::1]:5000", "[::1]:5000/repo"],
      ["short", "", "short"],
      ["simple/name", "simple", "simple/name"],
      ["library/ubuntu", "library", "library/ubuntu"],
      ["docker/stevvooe/app", "docker", "docker/stevvooe/app"],
      ["aa/aa/bb/bb/bb", "aa", "aa/aa/bb/bb/bb"],
      ["a/a/a/a", "a", "a/a/a/a"],
      ["a", "", "a"],
      ["a/aa/a", "a", "a/aa/a"],
      ["foo.com", "", "foo.com"],
      ["foo.com:8080/bar", "foo.com:8080", "foo.com:8080/bar"],
      ["foo.com/bar/baz", "foo.com", "foo.com/bar/baz"],
      ["localhost:8080/bar", "localhost:8080", "localhost:8080/bar"],
      ["aa-a/a", "aa-a", "aa-a/a"],
      ["foo_bar", "", "foo_bar"],
      ["foo_bar.com", "", "foo_bar.com"],
      ["foo.com/foo_bar", "foo.com", "foo.com/foo_bar"],
      ["do__cker/docker", "", "do__cker/docker"],
      ["foo_bar.com/app", "", "foo_bar.com/app"],
      ["Asdf.com/foo/bar", "Asdf.com", "Asdf.com/foo/bar"],
      ["Foo/bar", "Foo", "Foo/bar"],
      [`localhost:8080@${BE17}`, "", "localhost", "8080", BE17],
      [`localhost@${BE17}`, "", "localhost", undefined, BE17],
      [`localhost:8080/name@${BE17}`, "localhost:8080", "localhost:8080/name", undefined, BE17],
    ];
    for (const [input, domain, name, tag, digest] of rows) {
      const ref = parseReference(input);
      assert.equal(ref.toString(), input, `toString of ${input}`);
      assert.deepEqual(
        [ref.domain, ref.name, ref.tag, ref.digest],
        [domain, name, tag, digest],
        input,
      );
      assert.ok(parseReference(ref.toString()).equals(ref));
    }
  });

  it("rejects invalid references", () => {
    const rows: [string, InvalidReferenceReason][] = [
      ["", "NameEmpty"],
      [":justtag", "InvalidFormat"],
      [`@sha256:${F64}`, "InvalidFormat"],
      ["repo@sha256:ffffffffffffffffffffffffffffffffff", "DigestInvalidLength"],
      [`validname@invaliddigest:${F64}`, "DigestUnsupported"],
      ["Uppercase:tag", "NameContainsUppercase"],
      ["test:5000/Uppercase/lowercase:tag", "NameContainsUppercase"],
      ["Foo/FarB", "NameContainsUppercase"],
      ["a/".repeat(128) + "a:tag", "NameTooLong"],
      ["aa/asdf$$^/aa", "InvalidFormat"],
      ["[2001:db8::1]", "InvalidFormat"],
      ["[2001:db8::1]:5000", "InvalidFormat"],
      ["[2001:db8::1]:tag", "InvalidFormat"],
      ["[fe80::1%eth0]:5000/repo", "InvalidFormat"],
      ["[fe80::1%@invalidzone]:5000/repo", "InvalidFormat"],
      ["foo_bar.com:8080/app", "InvalidFormat"],
      ["docker://quay.io/library/foo:bar", "InvalidFormat"],
      [" ", "InvalidFormat"],
      ["::", "InvalidFormat"],
    ];
    for (const [input, reason] of rows) assertInvalid(parseReference, input, reason);
  });
});

describe("isValidDomain", () => {
  it("follows the domain grammar", () => {
    const rows: [string, boolean][] = [
      ["test.com", true],
      ["test.com:10304", true],
      ["test.com:http", false],
      ["localhost", true],
      ["localhost:8080", true],
      ["a", true],
      ["a.b", true],
      ["ab.cd.com", true],
      ["a-b.com", true],
      ["-ab.com", false],
      ["ab-.com", false],
      ["ab.c-om", true],
      ["ab.-com", false],
      ["ab.com-", false],
      ["0101.com", true],
      ["001a.com", true],
      ["b.gbc.io:443", true],
      ["b.gbc.io", true],
      ["xn--n3h.com", true],
      ["Asdf.com", true],
      ["192.168.1.1:75050", true],
      ["192.168.1.1:750050", true],
      ["[fd00:1:2::3]:75050", true],
      ["[fd00:1:2::3]75050", false],
      ["[fd00:1:2::3]::75050", false],
      ["[fd00:1:2::3%eth0]:75050", false],
      ["[fd00123123123]:75050", true],
      ["[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:75050", true],
      ["[2001:0db8:85a3:0000:0000:8a2e:0370:7334]:750505", true],
      ["fd00:1:2::3:75050", false],
      ["", false],
      ["a:", false],
      ["a.", false],
      [".a", false],
      ["a_b.com", false],
    ];
    for (const [input, valid] of rows) assert.equal(isValidDomain(input), valid, input);
  });
});

describe("tags and digests", () => {
  it("validates tags", () => {
    assert.ok(isValidTag("latest"));
    assert.ok(isValidTag("_"));
    assert.ok(isValidTag("v1.2.3-rc_1"));
    assert.ok(isValidTag("A".repeat(128)));
    assert.ok(!isValidTag("A".repeat(129)));
    assert.ok(!isValidTag(""));
    assert.ok(!isValidTag("-x"));
    assert.ok(!isValidTag(".x"));
    assert.ok(!isValidTag("a:b"));
    assert.ok(!isValidTag("a/b"));
  });

  it("validates digests like go-digest for sha256, sha384 and sha512", () => {
    assert.ok(isValidDigest(`sha256:${F64}`));
    assert.ok(isValidDigest(`sha512:${F128}`));
    assert.ok(!isValidDigest(`sha256:${hex64("F")}`));
    assert.ok(!isValidDigest(`sha256:${F128}`));
    assert.ok(isValidDigest(`sha384:${"f".repeat(96)}`));
    assert.ok(!isValidDigest(`sha384:${F64}`));
    assert.ok(!isValidDigest(F64));
    assert.ok(!isValidDigest("sha256:"));
  });
});

describe("parseAnyReference", () => {
  it("parses IDs, digests and names", () => {
    const rows: [string, string, "named" | "digest"][] = [
      ["redis", "docker.io/library/redis", "named"],
      ["redis:latest", "docker.io/library/redis:latest", "named"],
      ["docker.io/library/redis:latest", "docker.io/library/redis:latest", "named"],
      [`redis@${DBCC}`, `docker.io/library/redis@${DBCC}`, "named"],
      [`docker.io/library/redis@${DBCC}`, `docker.io/library/redis@${DBCC}`, "named"],
      ["dmcgowan/myapp", "docker.io/dmcgowan/myapp", "named"],
      ["dmcgowan/myapp:latest", "docker.io/dmcgowan/myapp:latest", "named"],
      ["docker.io/mcgowan/myapp:latest", "docker.io/mcgowan/myapp:latest", "named"],
      [`dmcgowan/myapp@${DBCC}`, `docker.io/dmcgowan/myapp@${DBCC}`, "named"],
      [DBCC.slice(7), DBCC, "digest"],
      [DBCC, DBCC, "digest"],
      [`sha512:${F128}`, `sha512:${F128}`, "digest"],
      [DBCC.slice(7, 70), `docker.io/library/${DBCC.slice(7, 70)}`, "named"],
      ["dbcc1", "docker.io/library/dbcc1", "named"],
      // Not a valid digest (uppercase hex), so it is a name with a tag, as upstream.
      [`sha256:${hex64("A")}`, `docker.io/library/sha256:${hex64("A")}`, "named"],
      ["sha256:abc", "docker.io/library/sha256:abc", "named"],
    ];
    for (const [input, full, kind] of rows) {
      const ref = parseAnyReference(input);
      assert.equal(ref.kind, kind, input);
      assert.equal(ref.toString(), full, input);
      assert.equal(isDigestReference(ref), kind === "digest");
      assert.equal(isReference(ref), kind === "named");
    }
    const id = parseAnyReference(hex64("b"));
    assert.ok(isDigestReference(id) && !isReference(id));
    if (id.kind !== "digest") throw new Error("unreachable");
    assert.equal(id.algorithm, "sha256");
    assert.equal(id.encoded, hex64("b"));
    assert.equal(id.familiarString(), `sha256:${hex64("b")}`);
    assert.equal(JSON.stringify({ id }), JSON.stringify({ id: `sha256:${hex64("b")}` }));
  });

  it("rejects what is neither", () => {
    assertInvalid(parseAnyReference, "", "NameEmpty");
    assertInvalid(parseAnyReference, "UPPER", "NameContainsUppercase");
    assertInvalid(parseAnyReference, "a b", "InvalidFormat");
  });
});

describe("parseNamed and parseDockerRef", () => {
  it("parseNamed accepts only canonical input", () => {
    for (const input of ["docker.io/library/foo", "localhost/foo:1", `quay.io/a/b@${BE17}`]) {
      assert.equal(parseNamed(input).toString(), input);
    }
    for (const input of ["foo", "docker.io/foo", "index.docker.io/library/foo", "library/foo"]) {
      assertInvalid(parseNamed, input, "NotCanonical");
    }
    assertInvalid(parseNamed, "docker.io/library/Foo", "NameContainsUppercase");
    assertInvalid(parseNamed, "", "NameEmpty");
  });

  it("parseDockerRef keeps the digest over the tag and defaults to latest", () => {
    assert.equal(parseDockerRef("busybox").toString(), "docker.io/library/busybox:latest");
    assert.equal(parseDockerRef("busybox:1").toString(), "docker.io/library/busybox:1");
    assert.equal(
      parseDockerRef(`busybox:latest@${BE17}`).toString(),
      `docker.io/library/busybox@${BE17}`,
    );
    assert.equal(parseDockerRef(`busybox@${BE17}`).toString(), `docker.io/library/busybox@${BE17}`);
    assertInvalid(parseDockerRef, "Busybox", "NameContainsUppercase");
  });
});

describe("Reference helpers", () => {
  it("prints familiar names and strings", () => {
    const rows: [string, string, string][] = [
      ["docker.io/library/ubuntu", "ubuntu", "ubuntu"],
      ["ubuntu:22.04", "ubuntu", "ubuntu:22.04"],
      ["docker.io/library/foo/bar", "library/foo/bar", "library/foo/bar"],
      ["index.docker.io/library/ubuntu-12.04-base", "ubuntu-12.04-base", "ubuntu-12.04-base"],
      ["fooo/bar", "fooo/bar", "fooo/bar"],
      ["index.docker.io/fooo/bar", "fooo/bar", "fooo/bar"],
      ["other/library", "other/library", "other/library"],
      ["store/foo/bar", "store/foo/bar", "store/foo/bar"],
      [
        "127.0.0.1:8000/private/moonbase",
        "127.0.0.1:8000/private/moonbase",
        "127.0.0.1:8000/private/moonbase",
      ],
      [
        "example.com:8000/privatebasee",
        "example.com:8000/privatebasee",
        "example.com:8000/privatebasee",
      ],
      ["localhost/fooo", "localhost/fooo", "localhost/fooo"],
      ["localhost:5000/foo:1", "localhost:5000/foo", "localhost:5000/foo:1"],
      [`redis:7@${BE17}`, "redis", `redis:7@${BE17}`],
      [`user/app@${BE17}`, "user/app", `user/app@${BE17}`],
      ["[::1]:5000/foo", "[::1]:5000/foo", "[::1]:5000/foo"],
    ];
    for (const [input, name, string] of rows) {
      const ref = parseNormalizedName(input);
      assert.equal(ref.familiarName(), name, input);
      assert.equal(familiarName(ref), name, input);
      assert.equal(ref.familiarString(), string, input);
      assert.equal(familiarString(ref), string, input);
    }
  });

  it("adds, replaces and removes tags and digests", () => {
    const ref = parseNormalizedName("test.com:8000/foo");
    assert.equal(ref.withTag("TAG5").toString(), "test.com:8000/foo:TAG5");
    assert.equal(ref.withDigest(BE17).withTag("t").toString(), `test.com:8000/foo:t@${BE17}`);
    assert.equal(ref.withTag("t").withDigest(BE17).toString(), `test.com:8000/foo:t@${BE17}`);
    const both = ref.withTag("t").withDigest(BE17);
    assert.equal(both.withoutTag().toString(), `test.com:8000/foo@${BE17}`);
    assert.equal(both.withoutTagOrDigest().toString(), "test.com:8000/foo");
    assert.equal(trimNamed(both).toString(), "test.com:8000/foo");
    assert.equal(ref.tagNameOnly().toString(), "test.com:8000/foo:latest");
    assert.equal(tagNameOnly(ref.withDigest(BE17)).tag, undefined);
    assert.equal(ref.withTag("x").tagNameOnly().tag, "x");
    assert.equal(ref.tag, undefined, "the original is unchanged");
    assert.equal(JSON.stringify([ref.withTag("x")]), '["test.com:8000/foo:x"]');
    assert.ok(!ref.equals(ref.withTag("x")));
  });

  it("rejects bad tags and digests", () => {
    const ref = parseNormalizedName("busybox");
    assertInvalid((t) => ref.withTag(t), "-foo", "TagInvalidFormat");
    assertInvalid((t) => ref.withTag(t), "a".repeat(129), "TagInvalidFormat");
    assertInvalid((d) => ref.withDigest(d), "foo", "DigestInvalidFormat");
    // Stricter than upstream's WithDigest, which only checks the shape: the result must parse.
    assertInvalid(
      (d) => ref.withDigest(d),
      "sha256:1234567890098765432112345667890098765",
      "DigestInvalidLength",
    );
    assertInvalid((d) => ref.withDigest(d), `md5:${"0".repeat(32)}`, "DigestUnsupported");
    assertInvalid((d) => ref.withDigest(d), `sha256:${hex64("A")}`, "DigestInvalidFormat");
  });
});

describe("constants", () => {
  it("exposes the grammar limits and defaults", async () => {
    const mod = await import("../../src/reference/mod.ts");
    assert.equal(mod.NAME_TOTAL_LENGTH_MAX, 255);
    assert.equal(mod.TAG_LENGTH_MAX, 128);
    assert.equal(mod.DEFAULT_DOMAIN, "docker.io");
    assert.equal(mod.LEGACY_DEFAULT_DOMAIN, "index.docker.io");
    assert.equal(mod.OFFICIAL_REPO_PREFIX, "library/");
    assert.equal(mod.DEFAULT_TAG, "latest");
    assert.equal(mod.LOCALHOST_DOMAIN, "localhost");
  });
});
