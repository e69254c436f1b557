import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RegistryError, UnauthorizedError } from "../../src/errors.ts";
import { nextLink } from "../../src/registry/_listing.ts";
import { bytesOf, ociManifest, setup } from "./_fixtures.ts";

const OCI = "application/vnd.oci.image.manifest.v1+json";
const manifest = ociManifest(bytesOf("{}"), []);

describe("registry listing", () => {
  it("lists tags across Link pages", async () => {
    const { fake, client } = setup();
    for (const tag of ["c", "a", "b"]) fake.seedManifest("a/b", manifest, OCI, tag);
    assert.deepEqual(await client.listTags("a/b"), ["a", "b", "c"]);
    fake.requests.length = 0;
    assert.deepEqual(await client.listTags("a/b", { pageSize: 1 }), ["a", "b", "c"]);
    const pages = fake.seen(fake.host, "/tags/list").map((r) => r.url.search);
    assert.deepEqual(pages, ["?n=1", "?n=1&last=a", "?n=1&last=b"]);
  });

  it("stops at the limit", async () => {
    const { fake, client } = setup();
    for (const tag of ["a", "b", "c", "d"]) fake.seedManifest("a/b", manifest, OCI, tag);
    assert.deepEqual(await client.listTags("a/b", { pageSize: 1, limit: 2 }), ["a", "b"]);
    assert.equal(fake.seen(fake.host, "/tags/list").length, 2);
  });

  it("fails for an unknown repository and bad options", async () => {
    const { client } = setup();
    const error = await client.listTags("no/such").catch((e: unknown) => e);
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 404);
    assert.match(error.message, /NAME_UNKNOWN/);
    await assert.rejects(client.listTags("a/b", { pageSize: 0 }), RangeError);
    await assert.rejects(client.listTags("a/b", { limit: -1 }), RangeError);
  });

  it("lists the catalog across pages, with the catalog scope", async () => {
    const { fake, client } = setup({ users: { u: "p" } }, {
      credentials: { username: "u", password: "p" },
    });
    for (const repo of ["x/one", "x/two", "y"]) fake.seedManifest(repo, manifest, OCI, "1");
    assert.deepEqual(await client.catalog({ pageSize: 2 }), ["x/one", "x/two", "y"]);
    const scopes = fake.seen(fake.authHost).flatMap((r) => r.url.searchParams.getAll("scope"));
    assert.deepEqual(scopes, ["registry:catalog:*"]);
  });

  it("needs credentials for the catalog on a Bearer registry", async () => {
    const { client } = setup();
    await assert.rejects(client.catalog(), UnauthorizedError);
  });

  it("searches with the v1 API", async () => {
    const { fake, client } = setup();
    for (const repo of ["busybox", "team/busy", "other"]) fake.seedManifest(repo, manifest, OCI);
    const rows = await client.searchV1("busy", 10);
    assert.deepEqual(rows, [
      {
        name: "busybox",
        description: "the busybox image",
        star_count: 7,
        is_official: true,
        is_automated: false,
      },
      {
        name: "team/busy",
        description: "the team/busy image",
        star_count: 9,
        is_official: false,
        is_automated: false,
      },
    ]);
    const [search] = fake.seen(fake.host, "/v1/search");
    assert.equal(search.url.searchParams.get("q"), "busy");
    assert.equal(search.url.searchParams.get("n"), "10");
    assert.equal((await client.searchV1("busy", 1)).length, 1);
    await assert.rejects(client.searchV1("busy", 0), RangeError);
  });
});

describe("Link headers", () => {
  it("finds the next page", () => {
    assert.equal(nextLink('</v2/_catalog?n=2&last=b>; rel="next"'), "/v2/_catalog?n=2&last=b");
    assert.equal(nextLink("<https://r/x?last=a,b>; rel=next"), "https://r/x?last=a,b");
    assert.equal(
      nextLink('<https://r/prev>; rel="prev", <https://r/next>; title="x"; rel="last next"'),
      "https://r/next",
    );
  });

  it("finds nothing when there is no next page", () => {
    assert.equal(nextLink(null), undefined);
    assert.equal(nextLink(""), undefined);
    assert.equal(nextLink('<https://r/prev>; rel="prev"'), undefined);
    assert.equal(nextLink("garbage"), undefined);
  });
});
