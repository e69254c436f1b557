import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { chooseInstance, parsePlatform, sortInstances } from "../../src/platform/mod.ts";
import { type Descriptor, type ImageIndex, MediaType, type Platform } from "../../src/types/mod.ts";

function entry(n: number, platform?: Platform): Descriptor {
  const d: Descriptor = {
    mediaType: MediaType.OciManifest,
    digest: `sha256:${n.toString(16).padStart(64, "0")}`,
    size: 100 + n,
  };
  if (platform !== undefined) d.platform = platform;
  return d;
}

const INDEX: ImageIndex = {
  schemaVersion: 2,
  mediaType: MediaType.OciIndex,
  manifests: [
    entry(0, { os: "linux", architecture: "amd64" }),
    entry(1, { os: "linux", architecture: "arm64", variant: "v8" }),
    entry(2, { os: "linux", architecture: "arm", variant: "v7" }),
    entry(3, { os: "linux", architecture: "arm", variant: "v6" }),
    entry(4, { os: "linux", architecture: "386" }),
    entry(5, { os: "linux", architecture: "s390x" }),
    entry(6, { os: "windows", architecture: "amd64", "os.version": "10.0.17763.1234" }),
    entry(7),
    entry(8, { os: "unknown", architecture: "unknown" }),
  ],
};

const host: Platform = { os: "linux", architecture: "amd64" };
const want = (s: string) => parsePlatform(s, { defaults: host });

// [wanted, index of the chosen entry or undefined, all matching entries best first]
const CHOICES: Array<[Platform, number | undefined, number[]]> = [
  [want("linux/amd64"), 0, [0, 4]],
  [want("linux/x86_64"), 0, [0, 4]],
  [want("amd64"), 0, [0, 4]],
  [want("linux/arm64"), 1, [1, 2, 3]],
  [want("linux/arm64/v8"), 1, [1, 2, 3]],
  [want("aarch64"), 1, [1, 2, 3]],
  [want("linux/arm/v8"), 2, [2, 3]],
  [want("linux/arm/v7"), 2, [2, 3]],
  [want("linux/arm"), 2, [2, 3]],
  [want("linux/armhf"), 2, [2, 3]],
  [want("linux/arm/v6"), 3, [3]],
  [want("linux/armel"), 3, [3]],
  [want("linux/arm/v5"), undefined, []],
  [want("linux/386"), 4, [4]],
  [want("linux/s390x"), 5, [5]],
  [want("linux/ppc64le"), undefined, []],
  [want("linux/riscv64"), undefined, []],
  [want("windows/amd64"), 6, [6]],
  [want("windows(10.0.17763.99)/amd64"), 6, [6]],
  [want("windows(10.0.20348.1)/amd64"), undefined, []],
  [want("windows/arm64"), undefined, []],
  [want("darwin/arm64"), undefined, []],
];

describe("chooseInstance", () => {
  for (const [wanted, chosen, all] of CHOICES) {
    const label = JSON.stringify(wanted);
    it(`chooses ${chosen === undefined ? "nothing" : `entry ${chosen}`} for ${label}`, () => {
      const expected = chosen === undefined ? undefined : INDEX.manifests[chosen];
      assert.equal(chooseInstance(INDEX, wanted), expected);
      assert.deepEqual(sortInstances(INDEX, wanted), all.map((i) => INDEX.manifests[i]));
    });
  }

  it("falls back to a compatible variant when the exact one is missing", () => {
    const index: ImageIndex = {
      schemaVersion: 2,
      manifests: [
        entry(1, { os: "linux", architecture: "arm", variant: "v6" }),
        entry(2, { os: "linux", architecture: "arm", variant: "v7" }),
        entry(3, { os: "linux", architecture: "386" }),
      ],
    };
    assert.equal(chooseInstance(index, want("linux/arm64")), index.manifests[1]);
    assert.equal(chooseInstance(index, want("linux/amd64")), index.manifests[2]);
    assert.equal(chooseInstance(index, want("linux/arm64"), { strict: true }), undefined);
    assert.equal(chooseInstance(index, want("linux/amd64"), { strict: true }), undefined);
  });

  it("keeps the index order among equal platforms", () => {
    const index: ImageIndex = {
      schemaVersion: 2,
      manifests: [
        entry(1, { os: "linux", architecture: "amd64" }),
        entry(2, { os: "linux", architecture: "x86_64" }),
      ],
    };
    assert.equal(chooseInstance(index, want("linux/amd64")), index.manifests[0]);
  });

  it("prefers the newest Windows revision", () => {
    const index: ImageIndex = {
      schemaVersion: 2,
      manifests: [
        entry(1, { os: "windows", architecture: "amd64", "os.version": "10.0.17763.100" }),
        entry(2, { os: "windows", architecture: "amd64", "os.version": "10.0.17763.300" }),
        entry(3, { os: "windows", architecture: "amd64", "os.version": "10.0.17763.200" }),
      ],
    };
    assert.deepEqual(
      sortInstances(index, want("windows/amd64")).map((d) => d.size),
      [102, 103, 101],
    );
  });

  it("returns nothing from an empty index", () => {
    assert.equal(chooseInstance({ schemaVersion: 2, manifests: [] }, host), undefined);
  });
});
