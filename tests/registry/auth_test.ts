import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { RegistryError, UnauthorizedError } from "../../src/errors.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { TokenRegistry } from "../helpers/token_registry.ts";
import { bytesOf, ociManifest, readAll, rejection, setup } from "./_fixtures.ts";

const OCI = "application/vnd.oci.image.manifest.v1+json";
const manifest = ociManifest(bytesOf("{}"), [bytesOf("layer")]);

describe("registry auth: bearer tokens", () => {
  it("fails with a typed error when the token answer stalls", async () => {
    const fake = new TokenRegistry();
    fake.seedManifest("library/app", manifest, OCI, "1");
    // The token server sends its headers, then nothing: a stall never ends.
    const stalling = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fake.fetch(input, init);
      if (new URL(String(input)).host !== fake.authHost) return response;
      const body = new ReadableStream<Uint8Array>({ pull: () => new Promise(() => {}) });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    const client = new RegistryClient({
      registry: fake.host,
      fetch: stalling,
      // Long enough that only the stalled token body, never a healthy answer, times out.
      readTimeoutMs: 1000,
      sleep: () => Promise.resolve(),
    });
    const error = await rejection(client.getManifest("library/app", "1"));
    assert.ok(error instanceof RegistryError, String(error));
    assert.ok(error.message.includes(`${fake.authHost}/token`), error.message);
    assert.match(error.message, /no data for 1000 ms/);
  });

  it("gets an anonymous token for the pull scope", async () => {
    const { fake, client } = setup();
    fake.seedManifest("library/app", manifest, OCI, "1");
    const got = await client.getManifest("library/app", "1");
    assert.deepEqual(got.bytes, manifest);
    const [tokenRequest, ...more] = fake.seen(fake.authHost);
    assert.equal(more.length, 0);
    assert.equal(tokenRequest.method, "GET");
    assert.equal(tokenRequest.url.searchParams.get("service"), fake.host);
    assert.deepEqual(tokenRequest.url.searchParams.getAll("scope"), [
      "repository:library/app:pull",
    ]);
    assert.equal(tokenRequest.headers.get("authorization"), null);
    const registryGets = fake.seen(fake.host, "/manifests/");
    assert.match(registryGets.at(-1)!.headers.get("authorization") ?? "", /^Bearer /);
    assert.equal(registryGets.at(-1)!.headers.get("user-agent"), "stevedore/0.1.0");
  });

  it("sends Basic credentials to the token server and may then push", async () => {
    const { fake, client } = setup(
      { anonymousPull: false, users: { alice: "s3cret" } },
      { credentials: { username: "alice", password: "s3cret" } },
    );
    const digest = await client.putManifest("team/app", "v1", manifest, OCI);
    assert.equal((await client.getManifest("team/app", "v1")).digest, digest);
    const tokenRequests = fake.seen(fake.authHost);
    assert.ok(tokenRequests.length >= 1);
    const expected = `Basic ${btoa("alice:s3cret")}`;
    for (const r of tokenRequests) {
      assert.equal(r.headers.get("authorization"), expected);
      assert.equal(r.url.searchParams.get("account"), "alice");
    }
    assert.ok(
      tokenRequests.some((r) =>
        r.url.searchParams.getAll("scope").includes("repository:team/app:pull,push")
      ),
    );
  });

  it("asks a credentials function with the registry host", async () => {
    const asked: string[] = [];
    const { fake, client } = setup(
      { anonymousPull: false, users: { bob: "pw" } },
      {
        credentials: (registry) => {
          asked.push(registry);
          return Promise.resolve({ username: "bob", password: "pw" });
        },
      },
    );
    fake.seedManifest("x/y", manifest, OCI, "t");
    await client.getManifest("x/y", "t");
    await client.headManifest("x/y", "t");
    assert.deepEqual(asked, [fake.host]);
  });

  it("uses an identity token in an OAuth2 refresh-token grant", async () => {
    const fake = new TokenRegistry({ anonymousPull: false, identityTokens: { "rt-9": "alice" } });
    const forms: URLSearchParams[] = [];
    const spy = async (input: string | URL | Request, init?: RequestInit) => {
      const request = new Request(input, init);
      if (new URL(request.url).host === fake.authHost) {
        forms.push(new URLSearchParams(await request.clone().text()));
      }
      return fake.fetch(request);
    };
    const client = new RegistryClient({
      registry: fake.host,
      fetch: spy,
      credentials: { identityToken: "rt-9" },
    });
    fake.seedManifest("team/app", manifest, OCI, "v1");
    await client.getManifest("team/app", "v1");
    const [grant, ...more] = fake.seen(fake.authHost);
    assert.equal(more.length, 0);
    assert.equal(grant.method, "POST");
    assert.equal(grant.headers.get("content-type"), "application/x-www-form-urlencoded");
    assert.equal(grant.headers.get("authorization"), null);
    const [form] = forms;
    assert.equal(form.get("grant_type"), "refresh_token");
    assert.equal(form.get("refresh_token"), "rt-9");
    assert.equal(form.get("client_id"), "stevedore");
    assert.equal(form.get("service"), fake.host);
    assert.equal(form.get("scope"), "repository:team/app:pull");
  });

  it("refuses a wrong identity token with UnauthorizedError", async () => {
    const { fake, client, sleeps } = setup(
      { anonymousPull: false, identityTokens: { "rt-123": "alice" } },
      { credentials: { identityToken: "nope" } },
    );
    fake.seedManifest("team/app", manifest, OCI, "v1");
    await assert.rejects(client.getManifest("team/app", "v1"), UnauthorizedError);
    assert.deepEqual(sleeps, []);
  });

  it("refuses a wrong password without retrying or echoing it", async () => {
    const { fake, client, sleeps } = setup(
      { anonymousPull: false, users: { alice: "s3cret" } },
      { credentials: { username: "alice", password: "hunter2" } },
    );
    fake.seedManifest("team/app", manifest, OCI, "v1");
    const error = await client.getManifest("team/app", "v1").then(
      () => assert.fail("should have been refused"),
      (e: unknown) => e,
    );
    assert.ok(error instanceof UnauthorizedError);
    assert.equal(error.code, "Unauthorized");
    assert.match(error.message, /registry\.test/);
    assert.doesNotMatch(error.message, /hunter2/);
    assert.equal(fake.seen(fake.authHost).length, 1);
    assert.deepEqual(sleeps, []);
  });

  it("reuses a token for the same scopes", async () => {
    const { fake, client } = setup();
    fake.seedManifest("a/b", manifest, OCI, "1");
    await client.getManifest("a/b", "1");
    await client.getManifest("a/b", "1");
    await client.headManifest("a/b", "1");
    assert.equal(fake.seen(fake.authHost).length, 1);
  });

  it("fetches a fresh token once when the registry answers 401 to a cached one", async () => {
    const { fake, client } = setup();
    fake.seedManifest("a/b", manifest, OCI, "1");
    await client.getManifest("a/b", "1");
    fake.revokeTokens();
    const again = await client.getManifest("a/b", "1");
    assert.deepEqual(again.bytes, manifest);
    assert.equal(fake.seen(fake.authHost).length, 2);
    assert.equal(fake.seen(fake.host, "/manifests/").length, 3);
  });

  it("renews an expired token before using it", async () => {
    let now = 1_000_000;
    const clock = () => now;
    const { fake, client } = setup({ tokenSeconds: 60, now: clock }, { now: clock });
    fake.seedManifest("a/b", manifest, OCI, "1");
    await client.getManifest("a/b", "1");
    now += 120_000;
    await client.getManifest("a/b", "1");
    assert.equal(fake.seen(fake.authHost).length, 2);
    // No 401 was needed: exactly one manifest GET per call.
    assert.equal(fake.seen(fake.host, "/manifests/").length, 2);
  });

  it("gives UnauthorizedError, after one renewal and no retries, when access is denied", async () => {
    const { fake, client, sleeps } = setup({ anonymousPull: false });
    fake.seedManifest("private/app", manifest, OCI, "1");
    await assert.rejects(client.getManifest("private/app", "1"), UnauthorizedError);
    assert.equal(fake.seen(fake.host, "/manifests/").length, 2);
    assert.deepEqual(sleeps, []);
  });
});

describe("registry auth: Basic", () => {
  it("sends Basic credentials to a Basic registry", async () => {
    const { fake, client } = setup(
      { auth: "basic", users: { u: "p" } },
      { credentials: { username: "u", password: "p" } },
    );
    fake.seedManifest("a/b", manifest, OCI, "1");
    await client.getManifest("a/b", "1");
    const [get] = fake.seen(fake.host, "/manifests/");
    assert.equal(get.headers.get("authorization"), `Basic ${btoa("u:p")}`);
    assert.equal(fake.seen(fake.authHost).length, 0);
  });

  it("gives UnauthorizedError without credentials or with wrong ones, asking once", async () => {
    for (const credentials of [undefined, { username: "u", password: "wrong" }]) {
      const { fake, client, sleeps } = setup({ auth: "basic", users: { u: "p" } }, {
        credentials,
      });
      fake.seedManifest("a/b", manifest, OCI, "1");
      await assert.rejects(client.getManifest("a/b", "1"), UnauthorizedError);
      assert.equal(fake.seen(fake.host, "/manifests/").length, 1);
      assert.deepEqual(sleeps, []);
    }
  });
});

describe("registry auth: redirects", () => {
  it("drops Authorization when a blob redirect leaves the registry", async () => {
    const { fake, client } = setup(
      { anonymousPull: false, users: { alice: "pw" } },
      { credentials: { username: "alice", password: "pw" } },
    );
    const blob = bytesOf("blob behind a CDN");
    const digest = fake.seedBlob("a/b", blob);
    fake.addFault({ method: "GET", path: "/blobs/sha256", fault: { redirectToCdn: true } });
    const got = await readAll(await client.getBlob("a/b", digest));
    assert.deepEqual(got, blob);
    const [registryGet] = fake.seen(fake.host, "/blobs/");
    assert.match(registryGet.headers.get("authorization") ?? "", /^Bearer /);
    const [cdnGet, ...more] = fake.seen(fake.cdnHost);
    assert.equal(more.length, 0);
    assert.equal(cdnGet.headers.get("authorization"), null);
    assert.equal(cdnGet.url.searchParams.get("signature"), "abc");
  });
});
