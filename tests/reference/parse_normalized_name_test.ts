// Cases ported from distribution/reference and containers/image docker/reference tests
// (normalize_test.go, reference_test.go, regexp_test.go), applied to the normalizing parser.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { InvalidReferenceReason } from "../../src/errors.ts";
import { parseNormalizedName } from "../../src/reference/mod.ts";
import { assertInvalid, hex64 } from "./_helpers.ts";

const F64 = hex64("f");
const F128 = "f".repeat(128);
const BE17 = "sha256:be178c0543eb17f5f3043021c9e5fcf30285e557a4fc309cce97ff9ca6182912";
const DBCC = "sha256:dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9c";
const BUSY = "sha256:86e0e091d0da6bde2456dbb48306f3956bbeb2eae1b5b9a43045843f69fe4aaa";
const HEXNAME = "1a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e3d5d7c9b1a3f5e7d9c1b3a";

/** [input, full form after normalization] */
const VALID: [string, string][] = [
  ["docker/docker", "docker.io/docker/docker"],
  ["library/debian", "docker.io/library/debian"],
  ["debian", "docker.io/library/debian"],
  ["localhost/library/debian", "localhost/library/debian"],
  ["localhost/debian", "localhost/debian"],
  // A domain may have uppercase letters when it is one by its dot, colon or brackets.
  ["LOCAL.DOMAIN/debian", "LOCAL.DOMAIN/debian"],
  ["Example.COM:5000/app:TAG", "Example.COM:5000/app:TAG"],
  [`foo@sha384:${"f".repeat(96)}`, `docker.io/library/foo@sha384:${"f".repeat(96)}`],
  ["docker.io/docker/docker", "docker.io/docker/docker"],
  ["docker.io/library/debian", "docker.io/library/debian"],
  ["docker.io/debian", "docker.io/library/debian"],
  ["index.docker.io/docker/docker", "docker.io/docker/docker"],
  ["index.docker.io/library/debian", "docker.io/library/debian"],
  ["index.docker.io/debian", "docker.io/library/debian"],
  ["127.0.0.1:5000/docker/docker", "127.0.0.1:5000/docker/docker"],
  ["127.0.0.1:5000/library/debian", "127.0.0.1:5000/library/debian"],
  ["127.0.0.1:5000/debian", "127.0.0.1:5000/debian"],
  ["192.168.0.1", "docker.io/library/192.168.0.1"],
  ["192.168.0.1:80", "docker.io/library/192.168.0.1:80"],
  ["192.168.0.1:8/debian", "192.168.0.1:8/debian"],
  ["192.168.0.2:25000/debian", "192.168.0.2:25000/debian"],
  [
    "thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
    "docker.io/library/thisisthesongthatneverendsitgoesonandonandonthisisthesongthatnev",
  ],
  ["[fc00::1]:5000/docker", "[fc00::1]:5000/docker"],
  ["[fc00::1]:5000/docker/docker", "[fc00::1]:5000/docker/docker"],
  ["[fc00:1:2:3:4:5:6:7]:5000/library/debian", "[fc00:1:2:3:4:5:6:7]:5000/library/debian"],
  [`docker.io/${HEXNAME}`, `docker.io/library/${HEXNAME}`],
  ["docker-rules/docker", "docker.io/docker-rules/docker"],
  ["docker---rules/docker", "docker.io/docker---rules/docker"],
  ["doc/docker", "docker.io/doc/docker"],
  ["d/docker", "docker.io/d/docker"],
  ["jess/t", "docker.io/jess/t"],
  ["dock__er/docker", "docker.io/dock__er/docker"],
  ["test_com", "docker.io/library/test_com"],
  ["test.com:tag", "docker.io/library/test.com:tag"],
  ["test.com:5000", "docker.io/library/test.com:5000"],
  ["test.com/repo:tag", "test.com/repo:tag"],
  ["test:5000/repo", "test:5000/repo"],
  ["test:5000/repo:tag", "test:5000/repo:tag"],
  [`test:5000/repo@sha256:${F64}`, `test:5000/repo@sha256:${F64}`],
  [`test:5000/repo:tag@sha256:${F64}`, `test:5000/repo:tag@sha256:${F64}`],
  ["lowercase:Uppercase", "docker.io/library/lowercase:Uppercase"],
  ["sub-dom1.foo.com/bar/baz/quux", "sub-dom1.foo.com/bar/baz/quux"],
  ["sub-dom1.foo.com/bar/baz/quux:some-long-tag", "sub-dom1.foo.com/bar/baz/quux:some-long-tag"],
  [
    "b.gcr.io/test.example.com/my-app:test.example.com",
    "b.gcr.io/test.example.com/my-app:test.example.com",
  ],
  ["xn--n3h.com/myimage:xn--n3h.com", "xn--n3h.com/myimage:xn--n3h.com"],
  [
    `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${F128}`,
    `xn--7o8h.com/myimage:xn--7o8h.com@sha512:${F128}`,
  ],
  ["foo_bar.com:8080", "docker.io/library/foo_bar.com:8080"],
  ["foo/foo_bar.com:8080", "docker.io/foo/foo_bar.com:8080"],
  ["192.168.1.1", "docker.io/library/192.168.1.1"],
  ["192.168.1.1:tag", "docker.io/library/192.168.1.1:tag"],
  ["192.168.1.1:5000", "docker.io/library/192.168.1.1:5000"],
  ["192.168.1.1/repo", "192.168.1.1/repo"],
  ["192.168.1.1:5000/repo", "192.168.1.1:5000/repo"],
  ["192.168.1.1:5000/repo:5050", "192.168.1.1:5000/repo:5050"],
  ["[2001:db8::1]/repo", "[2001:db8::1]/repo"],
  ["[2001:db8:1:2:3:4:5:6]/repo:tag", "[2001:db8:1:2:3:4:5:6]/repo:tag"],
  ["[2001:db8::1]:5000/repo", "[2001:db8::1]:5000/repo"],
  ["[2001:db8::1]:5000/repo:tag", "[2001:db8::1]:5000/repo:tag"],
  [`[2001:db8::1]:5000/repo@sha256:${F64}`, `[2001:db8::1]:5000/repo@sha256:${F64}`],
  [`[2001:db8::1]:5000/repo:tag@sha256:${F64}`, `[2001:db8::1]:5000/repo:tag@sha256:${F64}`],
  ["[2001:db8::]:5000/repo", "[2001:db8::]:5000/repo"],
  ["[::1]:5000/repo", "[::1]:5000/repo"],
  ["[::1]/repo", "[::1]/repo"],
  ["[FC00::1]:5000/repo", "[FC00::1]:5000/repo"],
  ["example.com:8000/named", "example.com:8000/named"],
  ["example.com:8000/named:tagged", "example.com:8000/named:tagged"],
  [
    "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112",
    "other.com/named@sha256:1234567890098765432112345667890098765432112345667890098765432112",
  ],
  ["redis", "docker.io/library/redis"],
  ["redis:latest", "docker.io/library/redis:latest"],
  [`redis@${DBCC}`, `docker.io/library/redis@${DBCC}`],
  [`docker.io/library/redis@${DBCC}`, `docker.io/library/redis@${DBCC}`],
  ["dmcgowan/myapp", "docker.io/dmcgowan/myapp"],
  ["dmcgowan/myapp:latest", "docker.io/dmcgowan/myapp:latest"],
  ["docker.io/mcgowan/myapp:latest", "docker.io/mcgowan/myapp:latest"],
  [`dmcgowan/myapp@${DBCC}`, `docker.io/dmcgowan/myapp@${DBCC}`],
  [
    "dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
    "docker.io/library/dbcc1c35ac38df41fd2f5e4130b32ffdb93ebae8b3dbe638c23575912276fc9",
  ],
  ["dbcc1", "docker.io/library/dbcc1"],
  [`${HEXNAME}:tag`, `docker.io/library/${HEXNAME}:tag`],
  [`a${HEXNAME}`, `docker.io/library/a${HEXNAME}`],
  [
    "registry.io/foo/project--id.module--name.ver---sion--name",
    "registry.io/foo/project--id.module--name.ver---sion--name",
  ],
  [
    "example.com/some_separator__underscore/myimage",
    "example.com/some_separator__underscore/myimage",
  ],
  ["example.com/xn--7o8h.com/myimage", "example.com/xn--7o8h.com/myimage"],
  ["Asdf.com/foo/bar", "Asdf.com/foo/bar"],
  ["aa-a/a", "docker.io/aa-a/a"],
  ["localhost:8080/bar", "localhost:8080/bar"],
  ["blog.foo.com/bar/baz", "blog.foo.com/bar/baz"],
  ["foo.com", "docker.io/library/foo.com"],
  ["do__cker/docker", "docker.io/do__cker/docker"],
  ["a/a/a/a", "docker.io/a/a/a/a"],
  ["localhost", "docker.io/library/localhost"],
  ["localhost:5000", "docker.io/library/localhost:5000"],
  [`localhost:8080@${BE17}`, `docker.io/library/localhost:8080@${BE17}`],
  [`localhost@${BE17}`, `docker.io/library/localhost@${BE17}`],
  [`localhost:8080/name@${BE17}`, `localhost:8080/name@${BE17}`],
  [`registry.com:8080/myapp:tag2@${BE17}`, `registry.com:8080/myapp:tag2@${BE17}`],
  ["localhost/fooo/bar", "localhost/fooo/bar"],
  ["docker.io/library/foo/bar", "docker.io/library/foo/bar"],
  [`busybox:latest@${BUSY}`, `docker.io/library/busybox:latest@${BUSY}`],
  ["quay.io/podman/stable:v5.0", "quay.io/podman/stable:v5.0"],
  ["registry.example.com:443/a/b/c/d:_tag", "registry.example.com:443/a/b/c/d:_tag"],
  ["foo:TAG_with.dots-and-dashes", "docker.io/library/foo:TAG_with.dots-and-dashes"],
  // Upstream quirk: a first component that is a valid path but not a valid host.
  ["foo_bar.com/app", "foo_bar.com/app"],
];

/** [input, reason] */
const INVALID: [string, InvalidReferenceReason][] = [
  ["", "NameEmpty"],
  // containers/image: an uppercase first component is not a domain, so it is part of a
  // Docker Hub repository name, which must be lowercase.
  ["LOCALDOMAIN/library/debian", "NameContainsUppercase"],
  ["LOCALDOMAIN/debian", "NameContainsUppercase"],
  ["Foo/bar", "NameContainsUppercase"],
  ["Docker/docker", "NameContainsUppercase"],
  ["DOCKER/docker", "NameContainsUppercase"],
  ["LOCALHOST/foo", "NameContainsUppercase"],
  ["LocalHost/foo:tag", "NameContainsUppercase"],
  [HEXNAME, "HexIdentifier"],
  [hex64("0"), "HexIdentifier"],
  ["https://github.com/docker/docker", "InvalidFormat"],
  ["docker/Docker", "NameContainsUppercase"],
  ["-docker", "InvalidFormat"],
  ["-docker/docker", "InvalidFormat"],
  ["-docker.io/docker/docker", "InvalidFormat"],
  ["docker///docker", "InvalidFormat"],
  ["docker.io/docker/Docker", "NameContainsUppercase"],
  ["docker.io/docker///docker", "InvalidFormat"],
  ["[fc00::1]", "InvalidFormat"],
  ["[fc00::1]:5000", "InvalidFormat"],
  ["fc00::1:5000/debian", "InvalidFormat"],
  ["[fe80::1%eth0]:5000/debian", "InvalidFormat"],
  ["[2001:db8:3:4::192.0.2.33]:5000/debian", "InvalidFormat"],
  ["[2001:db8::1]", "InvalidFormat"],
  ["[2001:db8::1]:tag", "InvalidFormat"],
  ["[fe80::1%@invalidzone]:5000/repo", "InvalidFormat"],
  ["[]:5000/repo", "InvalidFormat"],
  ["[::1]5000/repo", "InvalidFormat"],
  ["[::1]::5000/repo", "InvalidFormat"],
  ["docker-/docker", "InvalidFormat"],
  ["-docker-/docker", "InvalidFormat"],
  ["____/____", "InvalidFormat"],
  ["_docker/_docker", "InvalidFormat"],
  ["dock..er/docker", "InvalidFormat"],
  ["dock_.er/docker", "InvalidFormat"],
  ["dock-.er/docker", "InvalidFormat"],
  ["docker/", "InvalidFormat"],
  [
    "this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255_this_is_not_a_valid_namespace_because_its_lenth_is_greater_than_255/docker",
    "NameTooLong",
  ],
  [":justtag", "InvalidFormat"],
  [`@sha256:${F64}`, "InvalidFormat"],
  ["repo@sha256:ffffffffffffffffffffffffffffffffff", "DigestInvalidLength"],
  [`repo@sha256:${"f".repeat(32)}`, "DigestInvalidLength"],
  [`repo@sha256:${"f".repeat(31)}`, "InvalidFormat"],
  [`validname@invaliddigest:${F64}`, "DigestUnsupported"],
  ["Uppercase:tag", "NameContainsUppercase"],
  ["test:5000/Uppercase/lowercase:tag", "NameContainsUppercase"],
  ["a/".repeat(128) + "a:tag", "NameTooLong"],
  ["aa/asdf$$^/aa", "InvalidFormat"],
  ["a^a", "InvalidFormat"],
  ["registry.com:8080/myapp@sha256:badbadbadbad", "InvalidFormat"],
  ["registry.com:8080/myapp:invalid~tag", "InvalidFormat"],
  ["bad_hostname.com:8080/myapp:tag", "InvalidFormat"],
  [`localhost:http/name@${BE17}`, "InvalidFormat"],
  ["registry.com:8080/myapp@bad", "InvalidFormat"],
  ["registry.com:8080/myapp@2bad", "InvalidFormat"],
  ["foo.com:http/bar", "InvalidFormat"],
  ["foo_bar.com:8080/app", "InvalidFormat"],
  ["do__cker:8080/docker", "InvalidFormat"],
  ["a/a/a/a/", "InvalidFormat"],
  ["a//a/a", "InvalidFormat"],
  ["foo.com/", "InvalidFormat"],
  ["a-/a/a/a", "InvalidFormat"],
  ["foo.com/a-/a/a", "InvalidFormat"],
  ["foo/bar-", "InvalidFormat"],
  ["foo/-bar", "InvalidFormat"],
  ["docker_/docker_", "InvalidFormat"],
  ["example.com/__underscore/myimage", "InvalidFormat"],
  ["example.com/..dots/myimage", "InvalidFormat"],
  ["example.com/.dots/myimage", "InvalidFormat"],
  ["example.com/nodouble..dots/myimage", "InvalidFormat"],
  ["example.com/three___underscores", "InvalidFormat"],
  ["Foo/FarB", "NameContainsUppercase"],
  ["ALLCAPS", "NameContainsUppercase"],
  ["foo:", "InvalidFormat"],
  ["foo@", "InvalidFormat"],
  ["foo:tag:tag", "InvalidFormat"],
  ["foo:-tag", "InvalidFormat"],
  ["foo:.tag", "InvalidFormat"],
  ["foo bar", "InvalidFormat"],
  ["foo\n", "InvalidFormat"],
  [" foo", "InvalidFormat"],
  ["foo/bar:tag@sha256", "InvalidFormat"],
  ["example.com:-1/foo", "InvalidFormat"],
  ["exa_mple.com:5000/foo", "InvalidFormat"],
  ["-example.com/foo", "InvalidFormat"],
  ["example-.com/foo", "InvalidFormat"],
  ["example..com/foo", "InvalidFormat"],
  ["docker://quay.io/library/foo:bar", "InvalidFormat"],
  ["::", "InvalidFormat"],
  ["$$$", "InvalidFormat"],
  [`foo@sha256:${hex64("F")}`, "DigestInvalidFormat"],
  [`foo@sha512:${F64}`, "DigestInvalidLength"],
  [`foo@sha256:${F128}`, "DigestInvalidLength"],
  [`foo@sha384:${"f".repeat(64)}`, "DigestInvalidLength"],
  [`foo@md5:${"f".repeat(32)}`, "DigestUnsupported"],
  [`foo@sha256+b64:${F64}`, "DigestUnsupported"],
  [`foo:tag@Sha256:${F64}`, "DigestInvalidFormat"],
  // Upstream quirk: the lowercase check covers everything before the first ":".
  [`foo@Sha256:${F64}`, "NameContainsUppercase"],
  [`foo:${"a".repeat(129)}`, "InvalidFormat"],
];

describe("parseNormalizedName", () => {
  it(`accepts ${VALID.length} valid references and normalizes them`, () => {
    for (const [input, full] of VALID) {
      const ref = parseNormalizedName(input);
      assert.equal(ref.toString(), full, `toString of ${input}`);
      assert.equal(String(ref), full);
      assert.equal(ref.kind, "named");
      const again = parseNormalizedName(ref.toString());
      assert.ok(again.equals(ref), `re-parse of ${input}`);
    }
  });

  it(`rejects ${INVALID.length} invalid references with the right reason`, () => {
    for (const [input, reason] of INVALID) assertInvalid(parseNormalizedName, input, reason);
  });

  it("splits domain, path, tag and digest", () => {
    const rows: [string, string, string, string | undefined, string | undefined][] = [
      ["test.com/foo", "test.com", "foo", undefined, undefined],
      ["test_com/foo", "docker.io", "test_com/foo", undefined, undefined],
      ["docker/migrator", "docker.io", "docker/migrator", undefined, undefined],
      ["test.com:8080/foo", "test.com:8080", "foo", undefined, undefined],
      ["test-com:8080/foo", "test-com:8080", "foo", undefined, undefined],
      ["foo", "docker.io", "library/foo", undefined, undefined],
      ["xn--n3h.com/foo", "xn--n3h.com", "foo", undefined, undefined],
      ["xn--n3h.com:18080/foo", "xn--n3h.com:18080", "foo", undefined, undefined],
      ["docker.io/foo", "docker.io", "library/foo", undefined, undefined],
      ["docker.io/library/foo", "docker.io", "library/foo", undefined, undefined],
      ["docker.io/library/foo/bar", "docker.io", "library/foo/bar", undefined, undefined],
      ["localhost/fooo", "localhost", "fooo", undefined, undefined],
      ["[::1]:5000/a/b:c", "[::1]:5000", "a/b", "c", undefined],
      [`a/b:c@${BE17}`, "docker.io", "a/b", "c", BE17],
      [`x@${BE17}`, "docker.io", "library/x", undefined, BE17],
      ["foo_bar.com/app", "", "foo_bar.com/app", undefined, undefined],
    ];
    for (const [input, domain, path, tag, digest] of rows) {
      const ref = parseNormalizedName(input);
      assert.deepEqual(
        [ref.domain, ref.path, ref.tag, ref.digest],
        [domain, path, tag, digest],
        input,
      );
      assert.equal(ref.name, domain === "" ? path : `${domain}/${path}`);
    }
  });

  it("enforces the 255-character name limit on domain/path", () => {
    // "example.com/" is 12 characters.
    const ok = "example.com/" + "a".repeat(243);
    assert.equal(ok.length, 255);
    assert.equal(parseNormalizedName(ok).name.length, 255);
    assert.equal(parseNormalizedName(`${ok}:tag@sha256:${F64}`).name, ok);
    assertInvalid(parseNormalizedName, ok + "a", "NameTooLong");
    // Normalization counts: "docker.io/library/" is 18 characters.
    assert.equal(parseNormalizedName("b".repeat(237)).name.length, 255);
    assertInvalid(parseNormalizedName, "b".repeat(238), "NameTooLong");
    // Too long and badly formed: the format error wins, as upstream.
    assertInvalid(parseNormalizedName, "a".repeat(300) + "/-", "InvalidFormat");
  });

  it("allows tags of 1 to 128 characters", () => {
    const tag128 = "T" + "a".repeat(127);
    assert.equal(parseNormalizedName(`foo:${tag128}`).tag, tag128);
    assertInvalid(parseNormalizedName, `foo:${tag128}a`, "InvalidFormat");
    assert.equal(parseNormalizedName("foo:_").tag, "_");
  });

  it("keeps both tag and digest and adds no default tag", () => {
    const ref = parseNormalizedName(`busybox:latest@${BUSY}`);
    assert.equal(ref.tag, "latest");
    assert.equal(ref.digest, BUSY);
    assert.equal(ref.familiarString(), `busybox:latest@${BUSY}`);
    assert.equal(parseNormalizedName("busybox").tag, undefined);
  });

  it("handles bracketed IPv6 hosts", () => {
    const ref = parseNormalizedName("[::1]:5000/foo:1");
    assert.equal(ref.domain, "[::1]:5000");
    assert.equal(ref.familiarString(), "[::1]:5000/foo:1");
    assert.equal(parseNormalizedName("[2001:db8::1]/repo").domain, "[2001:db8::1]");
    assertInvalid(parseNormalizedName, "[::g]:5000/foo", "InvalidFormat");
    assertInvalid(parseNormalizedName, "[::1/foo", "InvalidFormat");
    assertInvalid(parseNormalizedName, "::1]/foo", "InvalidFormat");
  });
});
