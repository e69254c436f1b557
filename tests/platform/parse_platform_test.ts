import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { InvalidPlatformError } from "../../src/errors.ts";
import { formatPlatform, parsePlatform } from "../../src/platform/mod.ts";
import type { Platform } from "../../src/types/mod.ts";

const AMD64_HOST: Platform = { os: "linux", architecture: "amd64" };

const VALID: Array<[string, Platform]> = [
  ["linux", { os: "linux", architecture: "amd64" }],
  ["windows", { os: "windows", architecture: "amd64" }],
  ["macos", { os: "darwin", architecture: "amd64" }],
  ["amd64", { os: "linux", architecture: "amd64" }],
  ["x86_64", { os: "linux", architecture: "amd64" }],
  ["aarch64", { os: "linux", architecture: "arm64" }],
  ["arm64", { os: "linux", architecture: "arm64" }],
  ["arm", { os: "linux", architecture: "arm" }],
  ["armhf", { os: "linux", architecture: "arm" }],
  ["armel", { os: "linux", architecture: "arm", variant: "v6" }],
  ["i386", { os: "linux", architecture: "386" }],
  ["s390x", { os: "linux", architecture: "s390x" }],
  ["linux/amd64", { os: "linux", architecture: "amd64" }],
  ["LINUX/AMD64", { os: "linux", architecture: "amd64" }],
  ["linux/x86-64", { os: "linux", architecture: "amd64" }],
  ["linux/amd64/v1", { os: "linux", architecture: "amd64" }],
  ["linux/amd64/v3", { os: "linux", architecture: "amd64", variant: "v3" }],
  ["linux/arm64", { os: "linux", architecture: "arm64" }],
  ["linux/arm64/v8", { os: "linux", architecture: "arm64", variant: "v8" }],
  ["linux/aarch64/8", { os: "linux", architecture: "arm64", variant: "v8" }],
  ["linux/arm64/v8.2", { os: "linux", architecture: "arm64", variant: "v8.2" }],
  ["linux/arm", { os: "linux", architecture: "arm" }],
  ["linux/armhf", { os: "linux", architecture: "arm" }],
  ["linux/arm/v7", { os: "linux", architecture: "arm", variant: "v7" }],
  ["linux/arm/7", { os: "linux", architecture: "arm", variant: "v7" }],
  ["linux/arm/v6", { os: "linux", architecture: "arm", variant: "v6" }],
  ["linux/arm/v5", { os: "linux", architecture: "arm", variant: "v5" }],
  ["macos/arm64", { os: "darwin", architecture: "arm64" }],
  ["freebsd/riscv64", { os: "freebsd", architecture: "riscv64" }],
  ["plan42/frobnicator", { os: "plan42", architecture: "frobnicator" }],
  ["windows(10.0.17763)/amd64", {
    os: "windows",
    architecture: "amd64",
    "os.version": "10.0.17763",
  }],
  ["windows(10.0.17763)", { os: "windows", architecture: "amd64", "os.version": "10.0.17763" }],
];

const INVALID: string[] = [
  "",
  "*",
  "linux/*",
  "linux/",
  "/amd64",
  "linux//v7",
  "linux/amd64/v8/extra",
  "linux/arm/v7/",
  "foo",
  "lin ux/amd64",
  "linux/am d64",
  "linux(10.0",
  "windows(10.0)x/amd64",
  "linux/amd64/v@",
];

describe("parsePlatform", () => {
  for (const [input, expected] of VALID) {
    it(`parses ${JSON.stringify(input)}`, () => {
      assert.deepEqual(parsePlatform(input, { defaults: AMD64_HOST }), expected);
    });
  }

  for (const input of INVALID) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(
        () => parsePlatform(input, { defaults: AMD64_HOST }),
        (e) =>
          e instanceof InvalidPlatformError && e.input === input && e.code === "InvalidPlatform",
      );
    });
  }

  it("takes what a lone word lacks from the defaults", () => {
    const armV6: Platform = { os: "linux", architecture: "arm", variant: "v6" };
    assert.deepEqual(parsePlatform("linux", { defaults: armV6 }), armV6);
    const armV7: Platform = { os: "linux", architecture: "arm", variant: "v7" };
    assert.deepEqual(parsePlatform("linux", { defaults: armV7 }), {
      os: "linux",
      architecture: "arm",
    });
    const windows: Platform = { os: "windows", architecture: "amd64" };
    assert.deepEqual(parsePlatform("arm64", { defaults: windows }), {
      os: "windows",
      architecture: "arm64",
    });
  });

  it("uses the host when no defaults are given", () => {
    const p = parsePlatform("s390x");
    assert.equal(p.architecture, "s390x");
    assert.ok(p.os.length > 0);
  });

  it("error messages name the input", () => {
    assert.throws(() => parsePlatform("foo"), /Cannot parse platform "foo": unknown/);
  });
});

describe("formatPlatform", () => {
  it("joins the non-empty parts", () => {
    assert.equal(formatPlatform({ os: "linux", architecture: "amd64" }), "linux/amd64");
    assert.equal(
      formatPlatform({ os: "linux", architecture: "arm", variant: "v7" }),
      "linux/arm/v7",
    );
    assert.equal(
      formatPlatform({ os: "linux", architecture: "arm64", variant: "" }),
      "linux/arm64",
    );
    assert.equal(formatPlatform({ os: "", architecture: "amd64" }), "unknown");
    assert.equal(formatPlatform({ os: "linux", architecture: "" }), "linux");
  });

  it("writes the os version only when asked", () => {
    const p: Platform = { os: "windows", architecture: "amd64", "os.version": "10.0.20348" };
    assert.equal(formatPlatform(p), "windows/amd64");
    assert.equal(formatPlatform(p, { withOsVersion: true }), "windows(10.0.20348)/amd64");
  });

  it("round-trips through parsePlatform", () => {
    for (const s of ["linux/amd64", "linux/arm/v6", "linux/arm64/v8", "windows/amd64"]) {
      assert.equal(formatPlatform(parsePlatform(s)), s);
    }
  });
});
