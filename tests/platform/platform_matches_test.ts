import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  comparePlatforms,
  compatiblePlatforms,
  formatPlatform,
  platformMatches,
  platformRank,
} from "../../src/platform/mod.ts";
import type { Platform } from "../../src/types/mod.ts";

function p(spec: string, osVersion?: string): Platform {
  const [os, architecture, variant] = spec.split("/");
  const out: Platform = { os, architecture };
  if (variant !== undefined) out.variant = variant;
  if (osVersion !== undefined) out["os.version"] = osVersion;
  return out;
}

// [want, have, matches (containerd Only), matches strictly (OnlyStrict)]
const MATCHES: Array<[string, string, boolean, boolean]> = [
  ["linux/amd64", "linux/amd64", true, true],
  ["linux/amd64", "linux/x86_64", true, true],
  ["linux/amd64", "Linux/AMD64", true, true],
  ["linux/amd64", "linux/amd64/v1", true, true],
  ["linux/amd64", "linux/386", true, false],
  ["linux/amd64", "linux/i386", true, false],
  ["linux/amd64", "windows/amd64", false, false],
  ["linux/amd64", "linux/arm64", false, false],
  ["linux/amd64", "linux/amd64/v2", false, false],
  ["linux/amd64/v3", "linux/amd64/v3", true, true],
  ["linux/amd64/v3", "linux/amd64/v2", true, false],
  ["linux/amd64/v3", "linux/amd64", true, false],
  ["linux/amd64/v3", "linux/amd64/v4", false, false],
  ["linux/amd64/v3", "linux/386", true, false],
  ["linux/386", "linux/amd64", false, false],
  ["linux/arm64", "linux/arm64", true, true],
  ["linux/arm64", "linux/arm64/v8", true, true],
  ["linux/arm64", "linux/aarch64", true, true],
  ["linux/arm64/v8", "linux/arm64", true, true],
  ["linux/arm64", "linux/arm/v8", true, false],
  ["linux/arm64", "linux/arm/v7", true, false],
  ["linux/arm64", "linux/arm", true, false],
  ["linux/arm64", "linux/arm/v6", true, false],
  ["linux/arm64", "linux/arm/v5", true, false],
  ["linux/arm64", "linux/arm64/v8.1", false, false],
  ["linux/arm64", "linux/amd64", false, false],
  ["linux/arm64/v8.2", "linux/arm64/v8.1", true, false],
  ["linux/arm64/v8.2", "linux/arm64", true, false],
  ["linux/arm64/v8.2", "linux/arm64/v8.3", false, false],
  ["linux/arm64/v9", "linux/arm64/v8.5", true, false],
  ["linux/arm64/v9", "linux/arm64/v8.6", false, false],
  ["linux/arm64/v9", "linux/arm64/v9.1", false, false],
  ["linux/arm64/v9", "linux/arm/v7", true, false],
  ["linux/arm64/bogus", "linux/arm64/bogus", false, true],
  ["linux/arm/v8", "linux/arm/v7", true, false],
  ["linux/arm/v7", "linux/arm/v7", true, true],
  ["linux/arm/v7", "linux/arm", true, true],
  ["linux/arm/v7", "linux/armhf", true, true],
  ["linux/arm/v7", "linux/arm/v6", true, false],
  ["linux/arm/v7", "linux/arm/v5", true, false],
  ["linux/arm/v7", "linux/arm/v8", false, false],
  ["linux/arm/v7", "linux/arm64", false, false],
  ["linux/arm", "linux/arm/v7", true, true],
  ["linux/arm/v6", "linux/arm/v7", false, false],
  ["linux/arm/v6", "linux/armel", true, true],
  ["linux/arm/v6", "linux/arm/v5", true, false],
  ["linux/arm/v5", "linux/arm/v6", false, false],
  ["linux/s390x", "linux/s390x", true, true],
  ["linux/s390x", "linux/ppc64le", false, false],
  ["darwin/arm64", "macos/arm64", true, true],
  ["windows/amd64", "windows/amd64", true, true],
];

describe("platformMatches", () => {
  for (const [want, have, loose, strict] of MATCHES) {
    it(`${want} ${loose ? "runs" : "does not run"} ${have}`, () => {
      assert.equal(platformMatches(p(want), p(have)), loose);
      assert.equal(platformMatches(p(want), p(have), { strict: true }), strict);
    });
  }
});

// [host os.version, image os.version, matches]
const WINDOWS: Array<[string | undefined, string | undefined, boolean]> = [
  ["10.0.17763.1", "10.0.17763.5", true],
  ["10.0.17763.1", "10.0.20348.1", false],
  ["10.0.17763.1", "10.0.14393.1", false],
  ["10.0.20348.1", "10.0.20348.9", true],
  ["10.0.20348.1", "10.0.17763.1", false],
  ["10.0.26100.1", "10.0.20348.1", true],
  ["10.0.26100.1", "10.0.26100.3", true],
  ["10.0.20348.1", "10.0.26100.1", false],
  ["10.0.20348.1", "6.3.9600.1", false],
  ["10.0.20348.1", undefined, true],
  [undefined, "10.0.17763.1", true],
  ["10.0", "10.0.17763.1", true],
];

describe("platformMatches on Windows versions", () => {
  for (const [host, image, expected] of WINDOWS) {
    it(`host ${host} ${expected ? "runs" : "does not run"} image ${image}`, () => {
      assert.equal(platformMatches(p("windows/amd64", host), p("windows/amd64", image)), expected);
    });
  }
});

describe("compatiblePlatforms", () => {
  const cases: Array<[string, string[]]> = [
    ["linux/amd64", ["linux/amd64", "linux/386"]],
    ["linux/amd64/v3", ["linux/amd64/v3", "linux/amd64/v2", "linux/amd64", "linux/386"]],
    ["linux/arm64", [
      "linux/arm64",
      "linux/arm/v8",
      "linux/arm/v7",
      "linux/arm/v6",
      "linux/arm/v5",
    ]],
    ["linux/arm/v7", ["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]],
    ["linux/arm", ["linux/arm/v7", "linux/arm/v6", "linux/arm/v5"]],
    ["linux/arm/v5", ["linux/arm/v5"]],
    ["linux/s390x", ["linux/s390x"]],
    ["linux/arm64/v8.2", [
      "linux/arm64/v8.2",
      "linux/arm64/v8.1",
      "linux/arm64",
      "linux/arm/v8",
      "linux/arm/v7",
      "linux/arm/v6",
      "linux/arm/v5",
    ]],
  ];
  for (const [want, expected] of cases) {
    it(`lists what ${want} runs, best first`, () => {
      assert.deepEqual(compatiblePlatforms(p(want)).map((x) => formatPlatform(x)), expected);
    });
  }

  it("lets arm64/v9.1 run v9.1, v9, then v8.6 down to v8", () => {
    const list = compatiblePlatforms(p("linux/arm64/v9.1")).map((x) => x.variant ?? "");
    assert.deepEqual(list.slice(0, 9), [
      "v9.1",
      "v9",
      "v8.6",
      "v8.5",
      "v8.4",
      "v8.3",
      "v8.2",
      "v8.1",
      "",
    ]);
  });

  it("is only the platform itself when strict", () => {
    assert.deepEqual(compatiblePlatforms(p("linux/arm/v7"), { strict: true }), [p("linux/arm/v7")]);
  });
});

describe("comparePlatforms and platformRank", () => {
  it("sorts exact first, then compatible in order, then the rest stably", () => {
    const list = [
      "linux/arm/v5",
      "linux/amd64",
      "linux/arm/v7",
      "linux/arm64/v8",
      "linux/s390x",
      "linux/arm/v6",
    ].map((s) => p(s));
    const sorted = [...list].sort(comparePlatforms(p("linux/arm64"))).map((x) => formatPlatform(x));
    assert.deepEqual(sorted, [
      "linux/arm64/v8",
      "linux/arm/v7",
      "linux/arm/v6",
      "linux/arm/v5",
      "linux/amd64",
      "linux/s390x",
    ]);
  });

  it("ranks 0 for the wanted platform and -1 for a mismatch", () => {
    assert.equal(platformRank(p("linux/arm/v7"), p("linux/arm/v7")), 0);
    assert.equal(platformRank(p("linux/arm/v7"), p("linux/arm/v5")), 2);
    assert.equal(platformRank(p("linux/arm/v7"), p("linux/amd64")), -1);
  });

  it("prefers the higher Windows revision among equals", () => {
    const a = p("windows/amd64", "10.0.17763.100");
    const b = p("windows/amd64", "10.0.17763.200");
    assert.deepEqual([a, b].sort(comparePlatforms(p("windows/amd64"))), [b, a]);
  });
});
