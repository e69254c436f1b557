import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  formatPlatform,
  normalizeArchitecture,
  normalizeOs,
  normalizePlatform,
  normalizePlatformChoice,
  type PlatformChoice,
} from "../../src/platform/mod.ts";
import type { Platform } from "../../src/types/mod.ts";

// [os, architecture, variant] -> canonical "os/arch[/variant]"
const NORMALIZE: Array<[string, string, string | undefined, string]> = [
  ["linux", "amd64", undefined, "linux/amd64"],
  ["linux", "x86_64", undefined, "linux/amd64"],
  ["Linux", "X86_64", undefined, "linux/amd64"],
  ["linux", "x86-64", undefined, "linux/amd64"],
  ["linux", "amd64", "v1", "linux/amd64"],
  ["linux", "amd64", "v2", "linux/amd64/v2"],
  ["linux", "AMD64", "V3", "linux/amd64/v3"],
  ["linux", "x86_64", "v4", "linux/amd64/v4"],
  ["linux", "aarch64", undefined, "linux/arm64"],
  ["linux", "AArch64", undefined, "linux/arm64"],
  ["linux", "aarch64", "v8", "linux/arm64"],
  ["linux", "arm64", "v8", "linux/arm64"],
  ["linux", "arm64", "8", "linux/arm64"],
  ["linux", "arm64", "v8.0", "linux/arm64"],
  ["linux", "arm64", "v8.2", "linux/arm64/v8.2"],
  ["linux", "arm64", "9", "linux/arm64/v9"],
  ["linux", "arm64", "9.0", "linux/arm64/v9"],
  ["linux", "arm64", "v9.0", "linux/arm64/v9"],
  ["linux", "arm64", "v9.3", "linux/arm64/v9.3"],
  ["linux", "armhf", undefined, "linux/arm/v7"],
  ["linux", "armhf", "v6", "linux/arm/v7"],
  ["linux", "armel", undefined, "linux/arm/v6"],
  ["linux", "arm", undefined, "linux/arm/v7"],
  ["linux", "arm", "", "linux/arm/v7"],
  ["linux", "arm", "7", "linux/arm/v7"],
  ["linux", "arm", "v7", "linux/arm/v7"],
  ["linux", "arm", "6", "linux/arm/v6"],
  ["linux", "arm", "v6", "linux/arm/v6"],
  ["linux", "arm", "5", "linux/arm/v5"],
  ["linux", "arm", "8", "linux/arm/v8"],
  ["linux", "ARM", "V5", "linux/arm/v5"],
  ["linux", "i386", undefined, "linux/386"],
  ["linux", "i386", "foo", "linux/386"],
  ["linux", "386", undefined, "linux/386"],
  ["linux", "s390x", undefined, "linux/s390x"],
  ["linux", "ppc64le", undefined, "linux/ppc64le"],
  ["linux", "riscv64", undefined, "linux/riscv64"],
  ["linux", "mips64le", undefined, "linux/mips64le"],
  ["linux", "loong64", undefined, "linux/loong64"],
  ["macos", "arm64", undefined, "darwin/arm64"],
  ["MacOS", "x86_64", undefined, "darwin/amd64"],
  ["Darwin", "arm64", undefined, "darwin/arm64"],
  ["Windows", "AMD64", undefined, "windows/amd64"],
  ["windows", "arm64", "v8", "windows/arm64"],
  ["freebsd", "amd64", undefined, "freebsd/amd64"],
  ["linux", "sparc64", "Custom", "linux/sparc64/custom"],
];

describe("normalizePlatform", () => {
  for (const [os, architecture, variant, expected] of NORMALIZE) {
    it(`${os}/${architecture}/${variant ?? ""} -> ${expected}`, () => {
      const p: Platform = { os, architecture };
      if (variant !== undefined) p.variant = variant;
      const n = normalizePlatform(p);
      assert.equal(formatPlatform(n), expected);
      assert.ok(n.variant === undefined || n.variant !== "", "no empty variant key");
      assert.deepEqual(normalizePlatform(n), n, "normalization is idempotent");
    });
  }

  it("keeps other fields and does not touch its input", () => {
    const input: Platform = {
      os: "Windows",
      architecture: "x86_64",
      "os.version": "10.0.20348.1",
      "os.features": ["win32k"],
    };
    const n = normalizePlatform(input);
    assert.deepEqual(n, {
      os: "windows",
      architecture: "amd64",
      "os.version": "10.0.20348.1",
      "os.features": ["win32k"],
    });
    assert.equal(input.os, "Windows");
  });

  it("leaves an empty os empty", () => {
    assert.equal(normalizeOs(""), "");
    assert.equal(normalizePlatform({ os: "", architecture: "aarch64" }).os, "");
  });

  it("normalizes architecture and variant together", () => {
    assert.deepEqual(normalizeArchitecture("aarch64", "v8"), {
      architecture: "arm64",
      variant: "",
    });
    assert.deepEqual(normalizeArchitecture("armel", ""), { architecture: "arm", variant: "v6" });
    assert.deepEqual(normalizeArchitecture("", "V2"), { architecture: "", variant: "v2" });
  });
});

// What users ask for, normalized the way libimage does.
const CHOICES: Array<[PlatformChoice, PlatformChoice]> = [
  [{}, {}],
  [{ os: "MacOS" }, { os: "darwin" }],
  [{ os: "Linux", architecture: "X86_64" }, { os: "linux", architecture: "amd64" }],
  [{ architecture: "x86_64", variant: "v1" }, { architecture: "amd64" }],
  [{ architecture: "amd64", variant: "v3" }, { architecture: "amd64", variant: "v3" }],
  [{ architecture: "aarch64" }, { architecture: "arm64" }],
  [{ architecture: "aarch64", variant: "v8" }, { architecture: "arm64", variant: "v8" }],
  [{ architecture: "arm64", variant: "8" }, { architecture: "arm64", variant: "v8" }],
  [{ architecture: "arm64", variant: "9.0" }, { architecture: "arm64", variant: "v9" }],
  [{ architecture: "arm" }, { architecture: "arm", variant: "v7" }],
  [{ architecture: "arm", variant: "6" }, { architecture: "arm", variant: "v6" }],
  [{ architecture: "armhf" }, { architecture: "arm", variant: "v7" }],
  [{ architecture: "armel" }, { architecture: "arm", variant: "v6" }],
  [{ architecture: "i386" }, { architecture: "386" }],
  [{ variant: "V7" }, { variant: "v7" }],
  [{ os: "", architecture: "", variant: "" }, {}],
];

describe("normalizePlatformChoice", () => {
  for (const [input, expected] of CHOICES) {
    it(`${JSON.stringify(input)} -> ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(normalizePlatformChoice(input), expected);
    });
  }
});
