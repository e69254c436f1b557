import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { arch, platform } from "node:os";
import {
  completePlatform,
  defaultPlatform,
  hostPlatform,
  KNOWN_ARCHITECTURES,
  type NodeMachine,
  platformFromNode,
} from "../../src/platform/mod.ts";
import type { Platform } from "../../src/types/mod.ts";

const MACHINES: Array<[NodeMachine, Platform]> = [
  [{ platform: "linux", arch: "x64" }, { os: "linux", architecture: "amd64" }],
  [{ platform: "linux", arch: "arm64" }, { os: "linux", architecture: "arm64" }],
  [{ platform: "linux", arch: "arm" }, { os: "linux", architecture: "arm", variant: "v7" }],
  [{ platform: "linux", arch: "ia32" }, { os: "linux", architecture: "386" }],
  [{ platform: "linux", arch: "ppc64" }, { os: "linux", architecture: "ppc64le" }],
  [{ platform: "aix", arch: "ppc64", endianness: "BE" }, { os: "aix", architecture: "ppc64" }],
  [{ platform: "linux", arch: "s390x" }, { os: "linux", architecture: "s390x" }],
  [{ platform: "linux", arch: "mipsel" }, { os: "linux", architecture: "mipsle" }],
  [{ platform: "linux", arch: "riscv64" }, { os: "linux", architecture: "riscv64" }],
  [{ platform: "darwin", arch: "arm64" }, { os: "darwin", architecture: "arm64" }],
  [{ platform: "freebsd", arch: "x64" }, { os: "freebsd", architecture: "amd64" }],
  [{ platform: "sunos", arch: "x64" }, { os: "solaris", architecture: "amd64" }],
  [{ platform: "win32", arch: "x64", release: "10.0.20348" }, {
    os: "windows",
    architecture: "amd64",
    "os.version": "10.0.20348",
  }],
];

describe("platformFromNode", () => {
  for (const [machine, expected] of MACHINES) {
    it(`maps ${machine.platform}/${machine.arch}`, () => {
      assert.deepEqual(platformFromNode(machine), expected);
    });
  }
});

describe("hostPlatform and defaultPlatform", () => {
  it("describe this machine", () => {
    const host = hostPlatform();
    const expected = platformFromNode({ platform: platform(), arch: arch() });
    assert.equal(host.os, expected.os);
    assert.equal(host.architecture, expected.architecture);
    assert.ok(KNOWN_ARCHITECTURES.has(host.architecture), host.architecture);
    const def = defaultPlatform();
    assert.notEqual(def.os, "darwin");
    assert.equal(def.architecture, host.architecture);
  });
});

describe("completePlatform", () => {
  const arm: Platform = { os: "linux", architecture: "arm", variant: "v6" };
  const cases: Array<[object, Platform]> = [
    [{}, arm],
    [{ os: "windows" }, { os: "windows", architecture: "arm", variant: "v6" }],
    [{ architecture: "arm64" }, { os: "linux", architecture: "arm64" }],
    [{ architecture: "arm", variant: "v7" }, { os: "linux", architecture: "arm", variant: "v7" }],
    [{ variant: "v5" }, { os: "linux", architecture: "arm", variant: "v5" }],
    [{ os: "", architecture: "" }, arm],
  ];
  for (const [choice, expected] of cases) {
    it(`completes ${JSON.stringify(choice)}`, () => {
      assert.deepEqual(completePlatform(choice, arm), expected);
    });
  }
});
