import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ManifestUnknownError } from "../../src/errors.ts";
import { rewriteRepository } from "../../src/registry/_endpoint.ts";
import { RegistryClient, type RegistryClientOptions } from "../../src/registry/mod.ts";
import { TokenRegistry } from "../helpers/token_registry.ts";
import { bytesOf, ociManifest, readAll } from "./_fixtures.ts";

const OCI = "application/vnd.oci.image.manifest.v1+json";
const manifest = ociManifest(bytesOf("{}"), []);

function mirrored(options: Partial<RegistryClientOptions> = {}) {
  const primary = new TokenRegistry({ host: "registry.test", users: { u: "p" } });
  const mirror = new TokenRegistry({ host: "mirror.test", authHost: "mirror-auth.test" });
  const fetch = (input: string | URL | Request, init?: RequestInit) => {
    const host = new URL(input instanceof Request ? input.url : String(input)).host;
    return host.startsWith("mirror") ? mirror.fetch(input, init) : primary.fetch(input, init);
  };
  const client = new RegistryClient({
    registry: "registry.test",
    fetch,
    sleep: () => Promise.resolve(),
    endpoints: [{ registry: "mirror.test" }, { registry: "registry.test" }],
    ...options,
  });
  return { primary, mirror, client };
}

describe("registry mirrors", () => {
  it("reads from the mirror first", async () => {
    const { primary, mirror, client } = mirrored();
    mirror.seedManifest("a/b", manifest, OCI, "1");
    const blob = bytesOf("from the mirror");
    const digest = mirror.seedBlob("a/b", blob);
    assert.deepEqual((await client.getManifest("a/b", "1")).bytes, manifest);
    assert.deepEqual(await readAll(await client.getBlob("a/b", digest)), blob);
    assert.equal(await client.headBlob("a/b", digest), blob.byteLength);
    assert.equal(primary.requests.length, 0);
  });

  it("falls back to the primary when the mirror lacks it or is down", async () => {
    const { primary, mirror, client } = mirrored();
    const digest = primary.seedManifest("a/b", manifest, OCI, "1");
    assert.equal((await client.getManifest("a/b", "1")).digest, digest);
    assert.equal((await client.headManifest("a/b", "1"))?.digest, digest);
    mirror.addFault({ times: 100, fault: { networkError: true } });
    assert.equal((await client.getManifest("a/b", digest)).digest, digest);
  });

  it("answers absent, or the primary's error, when nobody has it", async () => {
    const { client } = mirrored();
    assert.equal(await client.headManifest("a/b", "1"), undefined);
    const error = await client.getManifest("a/b", "1").catch((e: unknown) => e);
    assert.ok(error instanceof ManifestUnknownError);
    assert.match(error.message, /"registry\.test\/a\/b:1"/);
  });

  it("rewrites repository prefixes for a mirror and skips it for others", async () => {
    const { primary, mirror, client } = mirrored({
      endpoints: [{ registry: "mirror.test", repoPrefixRewrite: { from: "library", to: "hub" } }],
    });
    mirror.seedManifest("hub/app", manifest, OCI, "1");
    await client.getManifest("library/app", "1");
    assert.equal(primary.requests.length, 0);
    primary.seedManifest("team/app", manifest, OCI, "1");
    await client.getManifest("team/app", "1");
    assert.equal(mirror.seen("mirror.test", "/team/").length, 0);
  });

  it("writes to the primary only, with credentials meant for it", async () => {
    const { primary, mirror, client } = mirrored({
      credentials: { username: "u", password: "p" },
    });
    await client.putManifest("a/b", "1", manifest, OCI);
    assert.ok(primary.manifests.get("a/b")?.has("1"));
    assert.equal(mirror.requests.length, 0);
    mirror.seedManifest("a/b", manifest, OCI, "2");
    await client.getManifest("a/b", "2");
    for (const request of mirror.requests) {
      assert.doesNotMatch(request.headers.get("authorization") ?? "", /^Basic /);
    }
  });

  it("adds a namespace proxy's ns parameter to the mirror's requests", async () => {
    const { primary, mirror, client } = mirrored({
      endpoints: [{ registry: "mirror.test", namespaceProxy: "registry.test" }],
    });
    mirror.seedManifest("a/b", manifest, OCI, "1");
    await client.getManifest("a/b", "1");
    const [get] = mirror.seen("mirror.test", "/manifests/");
    assert.equal(get.url.searchParams.get("ns"), "registry.test");
    assert.equal(primary.requests.length, 0);
  });

  it("rejects a malformed mirror", () => {
    assert.throws(
      () => new RegistryClient({ registry: "r.io", endpoints: [{ registry: "http://m" }] }),
      TypeError,
    );
  });
});

describe("rewriteRepository", () => {
  it("replaces a matching prefix", () => {
    const rewrite = { from: "library", to: "mirror/lib" };
    assert.equal(rewriteRepository("library/app", rewrite), "mirror/lib/app");
    assert.equal(rewriteRepository("library", rewrite), "mirror/lib");
    assert.equal(rewriteRepository("libraryx/app", rewrite), undefined);
    assert.equal(rewriteRepository("other/app", rewrite), undefined);
  });

  it("handles empty sides and no rewrite", () => {
    assert.equal(rewriteRepository("a/b", { from: "", to: "m" }), "m/a/b");
    assert.equal(rewriteRepository("a/b", { from: "a", to: "" }), "b");
    assert.equal(rewriteRepository("a/b"), "a/b");
  });
});
