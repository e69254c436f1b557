import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lookupImage } from "../../src/lookup/mod.ts";
import { emptyRegistriesConf, type RegistriesConf } from "../../src/config/mod.ts";
import { parseNormalizedName } from "../../src/reference/mod.ts";
import {
  ImageNotFoundError,
  InvalidReferenceError,
  UnsupportedTransportError,
} from "../../src/errors.ts";
import type { LookupOptions } from "../../src/lookup/types.ts";
import { addList, FakeStore, hex, record } from "./_fake_store.ts";

const amd64 = { os: "linux", architecture: "amd64" };
const arm64 = { os: "linux", architecture: "arm64", variant: "v8" };
const armv7 = { os: "linux", architecture: "arm", variant: "v7" };

function conf(): RegistriesConf {
  const c = emptyRegistriesConf();
  c.unqualifiedSearchRegistries = ["quay.io", "registry.example"];
  c.aliases.set("aliased", { value: parseNormalizedName("example.com/real/aliased"), file: "x" });
  return c;
}

function fixture() {
  const store = new FakeStore();
  const alpine = record({
    names: ["docker.io/library/alpine:latest", "docker.io/library/alpine:3"],
  });
  const localFoo = record({ names: ["localhost/foo:latest"] });
  const quayFoo = record({
    names: ["quay.io/x/foo:latest", "quay.io/foo:latest"],
    platform: arm64,
  });
  const aliased = record({ names: ["example.com/real/aliased:latest"] });
  const tagA = record({ names: ["localhost/a:latest"], id: "b" + hex("taga").slice(1) });
  const idA = record({ id: "a" + hex("ida").slice(1) });
  const deep = record({ names: ["registry.other/team/app:2"] });
  const digested = record({
    names: ["docker.io/library/dig:1"],
    digests: [`sha256:${hex("dig-manifest")}`, `sha256:${hex("dig-list")}`],
  });
  const corrupt = record({ names: ["docker.io/library/broken:latest"], incomplete: true });
  const inst = record({ digests: [`sha256:${hex("inst-amd64")}`], platform: amd64 });
  store.add(alpine, localFoo, quayFoo, aliased, tagA, idA, deep, digested, corrupt, inst);
  const list = addList(store, ["docker.io/library/multi:latest"], [
    { digest: `sha256:${hex("inst-amd64")}`, platform: amd64 },
    { digest: `sha256:${hex("inst-arm64")}`, platform: arm64 },
  ]);
  return {
    store,
    alpine,
    localFoo,
    quayFoo,
    aliased,
    tagA,
    idA,
    deep,
    digested,
    corrupt,
    inst,
    list,
  };
}

const host = { platform: amd64 };

function look(f: ReturnType<typeof fixture>, name: string, options: LookupOptions = {}) {
  return lookupImage(f.store, conf(), name, options, { ...host, warn: () => {} });
}

describe("lookupImage: rules of section 4", () => {
  it("rule 1: containers-storage: prefix looks up by name or @id; others are refused", async () => {
    const f = fixture();
    const byName = await look(f, "containers-storage:docker.io/library/alpine:3");
    assert.equal(byName.image.id, f.alpine.id);
    assert.equal(byName.resolvedName, "");
    const byId = await look(f, `containers-storage:@${f.alpine.id}`);
    assert.equal(byId.image.id, f.alpine.id);
    assert.equal(byId.byId, true);
    await assert.rejects(look(f, "containers-storage:nothere:1"), ImageNotFoundError);
    await assert.rejects(
      look(f, "oci:/tmp/layout:1"),
      (e: Error) =>
        e instanceof UnsupportedTransportError && /unsupported transport "oci"/.test(e.message),
    );
    await assert.rejects(look(f, "docker://alpine"), UnsupportedTransportError);
  });

  it("rule 1: docker:latest is an image name, not the docker transport", async () => {
    const f = fixture();
    await assert.rejects(
      look(f, "docker:latest"),
      (e: Error) =>
        e instanceof ImageNotFoundError && e.message === "docker:latest: image not known",
    );
  });

  it("rule 2: tag+digest drops the tag; unparseable names are errors", async () => {
    const f = fixture();
    const digest = f.digested.digests[0];
    const found = await look(f, `dig:nonexistent@${digest}`);
    assert.equal(found.image.id, f.digested.id);
    assert.equal(found.byDigest, true);
    await assert.rejects(look(f, "Upper/Case"), InvalidReferenceError);
    await assert.rejects(look(f, ""), InvalidReferenceError);
  });

  it("rule 3: sha256:<id> and 64-hex match IDs only, never manifest digests", async () => {
    const f = fixture();
    assert.equal((await look(f, `sha256:${f.alpine.id}`)).image.id, f.alpine.id);
    const bare = await look(f, f.alpine.id);
    assert.equal(bare.image.id, f.alpine.id);
    assert.equal(bare.byId, true);
    assert.equal(bare.resolvedName, "");
    const manifestHex = f.digested.digests[0].slice(7);
    await assert.rejects(look(f, manifestHex), ImageNotFoundError);
    await assert.rejects(look(f, `sha256:${manifestHex}`), ImageNotFoundError);
    await assert.rejects(
      look(f, "sha256:abc"),
      (e: Error) =>
        e instanceof InvalidReferenceError && /no 64-byte hexadecimal value/.test(e.message),
    );
  });

  it("rule 5: short names try localhost/ before the unqualified-search registries", async () => {
    const f = fixture();
    const found = await look(f, "foo");
    assert.equal(found.image.id, f.localFoo.id);
    assert.equal(found.resolvedName, "localhost/foo:latest");
  });

  it("rule 5: aliases come first, the docker.io normalization last", async () => {
    const f = fixture();
    assert.equal((await look(f, "aliased")).resolvedName, "example.com/real/aliased:latest");
    const alpine = await look(f, "alpine:3");
    assert.equal(alpine.image.id, f.alpine.id);
    assert.equal(alpine.resolvedName, "docker.io/library/alpine:3");
  });

  it("rule 5: qualified names resolve to themselves with :latest added", async () => {
    const f = fixture();
    const found = await look(f, "quay.io/x/foo");
    assert.equal(found.image.id, f.quayFoo.id);
    assert.equal(found.resolvedName, "quay.io/x/foo:latest");
  });

  it("rule 6: unique ID prefixes match; a tag beats an ID with the same prefix", async () => {
    const f = fixture();
    const prefix = await look(f, f.idA.id.slice(0, 12));
    assert.equal(prefix.image.id, f.idA.id);
    assert.equal(prefix.byId, true);
    const tag = await look(f, "a");
    assert.equal(tag.image.id, f.tagA.id);
    assert.equal(tag.resolvedName, "localhost/a:latest");
  });

  it("rule 6: an ambiguous ID prefix matches nothing", async () => {
    const f = fixture();
    const store = new FakeStore().add(
      record({ id: "ab" + hex("1").slice(2) }),
      record({ id: "ab" + hex("2").slice(2) }),
    );
    await assert.rejects(lookupImage(store, conf(), "ab", {}, host), ImageNotFoundError);
    assert.ok(f);
  });

  it("rule 7: fuzzy scan for short names matches repositories ending in /<name>", async () => {
    const f = fixture();
    const found = await look(f, "app:2");
    assert.equal(found.image.id, f.deep.id);
    assert.equal(found.resolvedName, "registry.other/team/app:2");
    assert.equal((await look(f, "team/app:2")).image.id, f.deep.id);
    await assert.rejects(look(f, "app"), ImageNotFoundError); // :latest implied
    await assert.rejects(look(f, "eam/app:2"), ImageNotFoundError); // component boundary
  });

  it("rule 7: a digested short name must match one of the image's digests", async () => {
    const store = new FakeStore();
    const img = record({
      names: ["registry.other/team/tool:latest"],
      digests: [`sha256:${hex("tool-1")}`, `sha256:${hex("tool-2")}`],
    });
    store.add(img);
    const found = await lookupImage(store, conf(), `tool@sha256:${hex("tool-2")}`, {}, host);
    assert.equal(found.image.id, img.id);
    assert.equal(found.resolvedName, `registry.other/team/tool@sha256:${hex("tool-2")}`);
    assert.equal(found.byDigest, true);
    await assert.rejects(
      lookupImage(store, conf(), `tool@sha256:${hex("other")}`, {}, host),
      ImageNotFoundError,
    );
  });

  it('rule 8: nothing matches → "<name>: image not known"', async () => {
    const f = fixture();
    await assert.rejects(
      look(f, "nothing:here"),
      (e: Error) =>
        e instanceof ImageNotFoundError && e.message === "nothing:here: image not known",
    );
  });

  it("qualified names are not fuzzy-matched", async () => {
    const f = fixture();
    await assert.rejects(look(f, "quay.io/app:2"), ImageNotFoundError);
  });
});

describe("lookupImage: per-candidate checks", () => {
  it("a manifest list resolves to the local instance for the host platform", async () => {
    const f = fixture();
    const found = await look(f, "multi");
    assert.equal(found.image.id, f.inst.id);
    assert.equal(found.resolvedName, "docker.io/library/multi:latest");
  });

  it("a list whose platform instance is not local is not known, except for removal", async () => {
    const f = fixture();
    await assert.rejects(look(f, "multi", { architecture: "arm64" }), ImageNotFoundError);
    const removal = await look(f, "multi", { architecture: "arm64", forRemoval: true });
    assert.equal(removal.image.id, f.list.id);
  });

  it("manifestList: true returns the list itself, and images otherwise", async () => {
    const f = fixture();
    assert.equal((await look(f, "multi", { manifestList: true })).image.id, f.list.id);
    assert.equal((await look(f, "alpine", { manifestList: true })).image.id, f.alpine.id);
  });

  it("a list looked up by ID still resolves to its instance", async () => {
    const f = fixture();
    assert.equal((await look(f, f.list.id)).image.id, f.inst.id);
  });

  it("a custom platform mismatch rejects the candidate and tries the next", async () => {
    const f = fixture();
    const found = await look(f, "foo", { architecture: "aarch64" });
    assert.equal(found.image.id, f.quayFoo.id);
    assert.equal(found.resolvedName, "quay.io/foo:latest");
  });

  it("the runtime's explicit platform counts as custom", async () => {
    const f = fixture();
    const found = await lookupImage(f.store, conf(), "foo", {}, {
      platform: amd64,
      platformChoice: { architecture: "arm64" },
    });
    assert.equal(found.image.id, f.quayFoo.id);
  });

  it("without a custom platform, another platform is returned (warning only with 'warn')", async () => {
    const store = new FakeStore().add(
      record({ names: ["localhost/armimg:latest"], platform: armv7 }),
    );
    const warnings: string[] = [];
    const quiet = await lookupImage(store, conf(), "armimg", {}, {
      platform: amd64,
      warn: (m) => warnings.push(m),
    });
    assert.equal(quiet.resolvedName, "localhost/armimg:latest");
    assert.equal(warnings.length, 0);
    await lookupImage(store, conf(), "armimg", { platformPolicy: "warn" }, {
      platform: amd64,
      warn: (m) => warnings.push(m),
    });
    assert.deepEqual(warnings, [
      "image platform (linux/arm/v7) does not match the expected platform (linux/amd64)",
    ]);
  });

  it("only perform platform matches if the arch, os or variant is specified explicitly", async () => {
    const store = new FakeStore().add(
      record({
        names: ["localhost/s390:latest"],
        platform: { os: "linux", architecture: "s390x" },
      }),
    );
    assert.ok(await lookupImage(store, conf(), "s390", {}, host));
    await assert.rejects(
      lookupImage(store, conf(), "s390", { os: "linux" }, host),
      ImageNotFoundError,
    );
  });

  it("platform checks are skipped for ID hits", async () => {
    const f = fixture();
    const found = await look(f, f.alpine.id.slice(0, 10), { architecture: "s390x" });
    assert.equal(found.image.id, f.alpine.id);
    assert.ok(await look(f, f.alpine.id, { architecture: "s390x" }));
  });

  it("containerd semantics: arm64 accepts an arm/v7 image", async () => {
    const store = new FakeStore().add(
      record({ names: ["localhost/armonly:latest"], platform: armv7 }),
    );
    const found = await lookupImage(store, conf(), "armonly", { architecture: "arm64" }, host);
    assert.equal(found.resolvedName, "localhost/armonly:latest");
  });

  it("corrupted images are still returned by lookup", async () => {
    const f = fixture();
    const found = await look(f, "broken");
    assert.equal(found.image.id, f.corrupt.id);
    assert.equal(found.image.incomplete, true);
  });

  it("a list whose manifest blob is missing is returned as is", async () => {
    const store = new FakeStore().add(
      record({ names: ["localhost/lost:latest"], isManifestList: true }),
    );
    const found = await lookupImage(store, conf(), "lost", {}, host);
    assert.equal(found.image.isManifestList, true);
  });

  it("does not mutate the options object", async () => {
    const f = fixture();
    const options: LookupOptions = { architecture: "aarch64" };
    const before = JSON.stringify(options);
    await look(f, "foo", options);
    assert.equal(JSON.stringify(options), before);
  });
});
