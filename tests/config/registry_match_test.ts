import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  findRegistry,
  loadRegistriesConf,
  prefixMatchLength,
  pullSources,
  type RegistriesConf,
} from "../../src/config/mod.ts";
import { DeniedError } from "../../src/errors.ts";
import { parseNormalizedName } from "../../src/reference/mod.ts";
import { memoryFs, ROOT } from "./_helpers.ts";

const DIGEST = "sha256:" + "ab".repeat(32);

async function confFrom(text: string): Promise<RegistriesConf> {
  const fs = await memoryFs({ "/etc/containers/registries.conf": text });
  return await loadRegistriesConf({ fs, ...ROOT });
}

function sources(conf: RegistriesConf, name: string): string[] {
  return pullSources(conf, parseNormalizedName(name)).map((source) =>
    `${source.mirror ? "mirror" : "primary"} ${source.reference}${
      source.insecure ? " (insecure)" : ""
    }`
  );
}

describe("prefixMatchLength", () => {
  const cases: Array<[string, string, number]> = [
    ["example.com/foo/bar:1", "example.com/foo", 15],
    ["example.com/foobar", "example.com/foo", -1],
    ["example.com", "example.com", 11],
    ["example.com@sha256:x", "example.com", 11],
    ["other.com/foo", "example.com", -1],
    ["short", "example.com", -1],
    ["a.example.com/foo", "*.example.com", 13],
    ["b.a.example.com:5000/foo", "*.example.com", 15],
    ["example.com/foo", "*.example.com", -1],
    ["evil.com/a.example.com/foo", "*.example.com", -1],
    ["a.example.community/foo", "*.example.com", -1],
  ];
  for (const [name, prefix, expected] of cases) {
    it(`${prefix} on ${name} → ${expected}`, () => {
      assert.equal(prefixMatchLength(name, prefix), expected);
    });
  }
});

describe("findRegistry", () => {
  it("picks the longest matching prefix, wildcards included", async () => {
    const conf = await confFrom(`
[[registry]]
location = "example.com"

[[registry]]
prefix = "example.com/foo"
location = "mirror.example.com/foo"

[[registry]]
prefix = "*.example.com"
location = ""
insecure = true

[[registry]]
prefix = "*.sub.example.com"
blocked = true
location = ""
`);
    assert.equal(findRegistry(conf, "example.com/foo/bar")?.prefix, "example.com/foo");
    assert.equal(findRegistry(conf, "example.com/other")?.prefix, "example.com");
    assert.equal(findRegistry(conf, "x.example.com/app")?.prefix, "*.example.com");
    assert.equal(findRegistry(conf, "x.sub.example.com/app")?.prefix, "*.sub.example.com");
    assert.equal(findRegistry(conf, "quay.io/app"), undefined);
  });
});

describe("pullSources", () => {
  it("without a matching registry pulls the reference itself", async () => {
    const conf = await confFrom("");
    assert.deepEqual(sources(conf, "quay.io/app:1"), ["primary quay.io/app:1"]);
  });

  it("lists mirrors first, then the location, rewriting prefix to location", async () => {
    const conf = await confFrom(`
[[registry]]
prefix = "example.com/foo"
location = "internal.example.com/bar"
insecure = true

[[registry.mirror]]
location = "mirror-1.example.com/cache"

[[registry.mirror]]
location = "mirror-2.example.com"
insecure = true
`);
    assert.deepEqual(sources(conf, "example.com/foo/app:v1"), [
      "mirror mirror-1.example.com/cache/app:v1",
      "mirror mirror-2.example.com/app:v1 (insecure)",
      "primary internal.example.com/bar/app:v1 (insecure)",
    ]);
  });

  it("honours pull-from-mirror per mirror", async () => {
    const conf = await confFrom(`
[[registry]]
location = "docker.io"

[[registry.mirror]]
location = "all.example.com"

[[registry.mirror]]
location = "digests.example.com"
pull-from-mirror = "digest-only"

[[registry.mirror]]
location = "tags.example.com"
pull-from-mirror = "tag-only"
`);
    assert.deepEqual(sources(conf, "busybox:1"), [
      "mirror all.example.com/library/busybox:1",
      "mirror tags.example.com/library/busybox:1",
      "primary docker.io/library/busybox:1",
    ]);
    assert.deepEqual(sources(conf, `busybox@${DIGEST}`), [
      `mirror all.example.com/library/busybox@${DIGEST}`,
      `mirror digests.example.com/library/busybox@${DIGEST}`,
      `primary docker.io/library/busybox@${DIGEST}`,
    ]);
  });

  it("honours mirror-by-digest-only on the registry", async () => {
    const conf = await confFrom(`
[[registry]]
location = "quay.io"
mirror-by-digest-only = true

[[registry.mirror]]
location = "mirror.example.com"
`);
    assert.deepEqual(sources(conf, "quay.io/app:1"), ["primary quay.io/app:1"]);
    assert.deepEqual(sources(conf, `quay.io/app@${DIGEST}`), [
      `mirror mirror.example.com/app@${DIGEST}`,
      `primary quay.io/app@${DIGEST}`,
    ]);
  });

  it("keeps the reference for a wildcard registry without location", async () => {
    const conf = await confFrom(`
[[registry]]
prefix = "*.example.com"
insecure = true
`);
    const [source] = pullSources(conf, parseNormalizedName("a.example.com/app:1"));
    assert.equal(source.reference.toString(), "a.example.com/app:1");
    assert.equal(source.location, "a.example.com");
    assert.equal(source.insecure, true);
  });

  it("refuses a blocked registry", async () => {
    const conf = await confFrom(`
[[registry]]
location = "blocked.example.com"
blocked = true
`);
    assert.throws(
      () => pullSources(conf, parseNormalizedName("blocked.example.com/app")),
      (error: unknown) => {
        assert.ok(error instanceof DeniedError);
        assert.match(error.message, /registry blocked.example.com is blocked in/);
        return true;
      },
    );
  });
});
