import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  compileLabelFilter,
  compilePathMatch,
  parseGoBool,
  parseGoDuration,
  parseTimestamp,
  referenceCandidates,
} from "../../src/runtime/filters/mod.ts";

describe("path.Match globs", () => {
  it("matches like Go's path.Match", () => {
    const cases: [string, string, boolean][] = [
      ["alp*", "alpine:3", true],
      ["alp*", "a/alpine", false],
      ["*/alpine", "library/alpine", true],
      ["a?c", "abc", true],
      ["a?c", "a/c", false],
      ["[a-c]x", "bx", true],
      ["[^a-c]x", "dx", true],
      ["[^a-c]x", "bx", false],
      ["a\\*", "a*", true],
      ["a\\*", "ab", false],
      ["a.b", "axb", false],
      ["[z-a]", "b", false],
    ];
    for (const [pattern, value, want] of cases) {
      assert.equal(compilePathMatch(pattern)?.(value), want, `${pattern} vs ${value}`);
    }
  });

  it("rejects malformed patterns", () => {
    for (const pattern of ["[", "a[]", "[-]", "abc\\"]) {
      assert.equal(compilePathMatch(pattern), undefined, pattern);
    }
  });
});

describe("reference candidates", () => {
  it("derives the six strings of a tagged name", () => {
    assert.deepEqual(referenceCandidates("docker.io/library/alpine:3"), [
      "docker.io/library/alpine:3",
      "library/alpine",
      "alpine:3",
      "docker.io/library/alpine",
      "library/alpine:3",
      "alpine",
    ]);
  });

  it("keeps a registry port and handles digests", () => {
    const digest = "sha256:" + "a".repeat(64);
    const got = referenceCandidates(`localhost:5000/foo@${digest}`);
    assert.deepEqual(got, [
      `localhost:5000/foo@${digest}`,
      "foo",
      `foo@${digest}`,
      "localhost:5000/foo",
      `foo@${digest}`,
      "foo",
    ]);
  });
});

describe("label filters", () => {
  it("matches a key, a key=value and a glob key", () => {
    const labels = { "org.opencontainers.image.version": "1.0", maintainer: "me" };
    assert.equal(compileLabelFilter("maintainer")(labels), true);
    assert.equal(compileLabelFilter("maintainer=me")(labels), true);
    assert.equal(compileLabelFilter("maintainer=you")(labels), false);
    assert.equal(compileLabelFilter("image.*=1.0")(labels), true);
    assert.equal(compileLabelFilter("missing")(labels), false);
    assert.equal(compileLabelFilter("maint")(labels), false);
  });
});

describe("Go booleans and durations", () => {
  it("parses ParseBool values", () => {
    for (const v of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(parseGoBool(v), true);
    for (const v of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(parseGoBool(v), false);
    for (const v of ["yes", "tRUE", ""]) assert.equal(parseGoBool(v), undefined);
  });

  it("parses durations", () => {
    assert.equal(parseGoDuration("10m"), 600_000);
    assert.equal(parseGoDuration("1h30m"), 5_400_000);
    assert.equal(parseGoDuration("1.5s"), 1500);
    assert.equal(parseGoDuration("-2h"), -7_200_000);
    assert.equal(parseGoDuration("300ms"), 300);
    for (const bad of ["", "10", "1d", "h", "1hx"]) assert.equal(parseGoDuration(bad), undefined);
  });
});

describe("until timestamps", () => {
  const now = new Date("2025-01-01T12:00:00.750Z");

  it("reads a duration before now, in whole seconds", () => {
    assert.equal(parseTimestamp("10m", now).toISOString(), "2025-01-01T11:50:00.000Z");
  });

  it("reads RFC 3339 date-times with offsets", () => {
    assert.equal(
      parseTimestamp("2024-06-01T10:00:00+02:00", now).toISOString(),
      "2024-06-01T08:00:00.000Z",
    );
    assert.equal(
      parseTimestamp("2024-06-01T10:00:00Z", now).toISOString(),
      "2024-06-01T10:00:00.000Z",
    );
    assert.equal(
      parseTimestamp("2024-06-01T10:00:00.5Z", now).toISOString(),
      "2024-06-01T10:00:00.500Z",
    );
  });

  it("reads dates without offset in local time", () => {
    assert.equal(parseTimestamp("2024-06-01", now).getTime(), new Date(2024, 5, 1).getTime());
    assert.equal(
      parseTimestamp("2024-06-01T10:30", now).getTime(),
      new Date(2024, 5, 1, 10, 30).getTime(),
    );
  });

  it("reads Unix seconds with fractions", () => {
    assert.equal(parseTimestamp("1700000000", now).getTime(), 1_700_000_000_000);
    assert.equal(parseTimestamp("1700000000.25", now).getTime(), 1_700_000_000_250);
  });

  it("rejects garbage", () => {
    for (const bad of ["2024-13-01", "yesterday", "2024-02-30", "12abc"]) {
      assert.throws(() => parseTimestamp(bad, now), RangeError, bad);
    }
  });
});
