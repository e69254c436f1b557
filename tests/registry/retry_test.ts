import { describe, it } from "node:test";
import assert from "node:assert/strict";
import {
  BlobUnknownError,
  DeniedError,
  ManifestUnknownError,
  RegistryError,
} from "../../src/errors.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { TokenRegistry } from "../helpers/token_registry.ts";
import { bytesOf, ociManifest, rejection, setup, sha256 } from "./_fixtures.ts";

const OCI = "application/vnd.oci.image.manifest.v1+json";
const manifest = ociManifest(bytesOf("{}"), []);

describe("registry retries", () => {
  it("retries a 500 and succeeds, pausing the default 1 s", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    fake.addFault({ method: "GET", path: "/manifests/", fault: { status: 500 } });
    assert.deepEqual((await client.getManifest("a/b", "1")).bytes, manifest);
    assert.deepEqual(sleeps, [1000]);
    assert.equal(fake.seen(fake.host, "/manifests/").length, 2);
  });

  it("retries 502, 503 and 504 with the configured delay", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" }, { retry: { delayMs: 5 } });
    fake.seedManifest("a/b", manifest, OCI, "1");
    for (const status of [502, 503, 504]) {
      fake.addFault({ path: "/manifests/", fault: { status } });
    }
    await client.getManifest("a/b", "1");
    assert.deepEqual(sleeps, [5, 5, 5]);
  });

  it("gives up after maxRetries with a RegistryError carrying the status", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    fake.addFault({ path: "/manifests/", times: 10, fault: { status: 503, body: "busy" } });
    const error = await rejection(client.getManifest("a/b", "1"));
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 503);
    assert.match(error.message, /registry\.test\/a\/b:1/);
    assert.deepEqual(sleeps, [1000, 1000, 1000]);
    assert.equal(fake.seen(fake.host, "/manifests/").length, 4);
  });

  it("does not retry when maxRetries is 0", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" }, { retry: { maxRetries: 0 } });
    fake.seedManifest("a/b", manifest, OCI, "1");
    fake.addFault({ path: "/manifests/", fault: { status: 500 } });
    await assert.rejects(client.getManifest("a/b", "1"), RegistryError);
    assert.deepEqual(sleeps, []);
  });

  it("honours Retry-After seconds on 429", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    fake.addFault({ path: "/manifests/", fault: { status: 429, headers: { "retry-after": "7" } } });
    await client.getManifest("a/b", "1");
    assert.deepEqual(sleeps, [7000]);
  });

  it("honours a Retry-After HTTP date, and caps long waits", async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const { fake, client, sleeps } = setup({ auth: "none" }, {
      now: () => now,
      retry: { maxDelayMs: 30_000 },
    });
    fake.seedManifest("a/b", manifest, OCI, "1");
    const later = new Date(now + 12_000).toUTCString();
    fake.addFault({
      path: "/manifests/",
      fault: { status: 429, headers: { "retry-after": later } },
    });
    fake.addFault({
      path: "/manifests/",
      fault: { status: 429, headers: { "retry-after": "3600" } },
    });
    await client.getManifest("a/b", "1");
    assert.deepEqual(sleeps, [12_000, 30_000]);
  });

  it("retries network errors", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    fake.addFault({ path: "/manifests/", times: 2, fault: { networkError: true } });
    await client.getManifest("a/b", "1");
    assert.deepEqual(sleeps, [1000, 1000]);
  });

  it("reports a connection that keeps failing as RegistryError with status 0", async () => {
    const { fake, client } = setup({ auth: "none" });
    fake.addFault({ path: "/manifests/", times: 10, fault: { networkError: true } });
    const error = await rejection(client.getManifest("a/b", "1"));
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 0);
    assert.ok(error.cause instanceof TypeError);
  });

  it("times out an attempt that gets no answer, and retries it", async () => {
    const fake = new TokenRegistry({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    let hangs = 2;
    const hanging = (input: string | URL | Request, init?: RequestInit) => {
      if (String(input).includes("/manifests/") && hangs-- > 0) {
        return new Promise<Response>((_, reject) => {
          init?.signal?.addEventListener("abort", () => reject(init.signal?.reason));
        });
      }
      return fake.fetch(input, init);
    };
    const sleeps: number[] = [];
    const client = new RegistryClient({
      registry: fake.host,
      fetch: hanging,
      // Hanging responses never answer; a healthy one must beat this even on a busy machine.
      connectTimeoutMs: 1000,
      sleep: (ms) => Promise.resolve(void sleeps.push(ms)),
    });
    assert.deepEqual((await client.getManifest("a/b", "1")).bytes, manifest);
    assert.deepEqual(sleeps, [1000, 1000]);
  });

  it("does not retry when the caller aborts", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    const controller = new AbortController();
    controller.abort(new Error("stop now"));
    const error = await rejection(client.getManifest("a/b", "1", { signal: controller.signal }));
    assert.ok(!(error instanceof RegistryError));
    assert.deepEqual(sleeps, []);
  });
});

describe("registry error mapping", () => {
  it("maps a missing manifest to ManifestUnknownError without retrying", async () => {
    const { client, sleeps } = setup();
    const error = await rejection(client.getManifest("library/nope", "latest"));
    assert.ok(error instanceof ManifestUnknownError);
    assert.equal(error.code, "ManifestUnknown");
    assert.equal(error.httpStatus, 404);
    assert.match(error.message, /registry\.test\/library\/nope:latest/);
    assert.deepEqual(sleeps, []);
  });

  it("maps a missing blob to BlobUnknownError", async () => {
    const { client } = setup();
    const digest = sha256(bytesOf("absent"));
    const error = await rejection(client.getBlob("a/b", digest));
    assert.ok(error instanceof BlobUnknownError);
    assert.match(error.message, new RegExp(`registry\\.test/a/b@${digest}`));
    assert.equal(await client.headBlob("a/b", digest), undefined);
  });

  it("maps 403 to DeniedError", async () => {
    const { fake, client, sleeps } = setup({ auth: "none" });
    fake.addFault({
      path: "/manifests/",
      fault: { status: 403, body: '{"errors":[{"code":"DENIED","message":"no way"}]}' },
    });
    const error = await rejection(client.getManifest("a/b", "1"));
    assert.ok(error instanceof DeniedError);
    assert.match(error.message, /no way/);
    assert.deepEqual(sleeps, []);
  });

  it("keeps the registry's code and message for other failures", async () => {
    const { fake, client } = setup({ auth: "none" });
    fake.addFault({
      path: "/manifests/",
      fault: {
        status: 400,
        body: '{"errors":[{"code":"MANIFEST_INVALID","message":"bad layers"}]}',
      },
    });
    const error = await rejection(client.putManifest("a/b", "1", manifest, OCI));
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 400);
    assert.match(error.message, /MANIFEST_INVALID: bad layers/);
  });
});

describe("registry scheme", () => {
  function httpsRefused(fake: TokenRegistry) {
    const schemes: string[] = [];
    const fetch = (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      schemes.push(url.protocol);
      if (url.protocol === "https:") return Promise.reject(new TypeError("TLS handshake failed"));
      return fake.fetch(input, init);
    };
    return { fetch, schemes };
  }

  it("falls back to plain HTTP for an insecure registry", async () => {
    const fake = new TokenRegistry({ auth: "none" });
    fake.seedManifest("a/b", manifest, OCI, "1");
    const { fetch, schemes } = httpsRefused(fake);
    for (const options of [{ insecure: true }, { tlsVerify: false }]) {
      schemes.length = 0;
      const client = new RegistryClient({ registry: fake.host, fetch, ...options });
      await client.getManifest("a/b", "1");
      assert.deepEqual(schemes, ["https:", "http:", "http:"]);
    }
  });

  it("never uses plain HTTP for a secure registry, only probes it to explain", async () => {
    const fake = new TokenRegistry({ auth: "none", users: { u: "p" } });
    fake.seedManifest("a/b", manifest, OCI, "1");
    const { fetch, schemes } = httpsRefused(fake);
    const client = new RegistryClient({
      registry: fake.host,
      fetch,
      credentials: { username: "u", password: "p" },
      sleep: () => Promise.resolve(),
    });
    const error = await rejection(client.getManifest("a/b", "1"));
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 0);
    assert.match(error.message, /server gave HTTP response to HTTPS client/);
    // One HTTPS attempt (retrying cannot help), one anonymous plain-HTTP probe of /v2/.
    assert.deepEqual(schemes, ["https:", "http:"]);
    const plain = fake.requests.filter((r) => r.url.protocol === "http:");
    assert.deepEqual(plain.map((r) => r.url.pathname), ["/v2/"]);
    assert.equal(plain[0].headers.get("authorization"), null);
  });

  it("retries a secure registry that answers nothing at all", async () => {
    const refusing = (input: string | URL | Request) =>
      Promise.reject(new TypeError(`connection refused: ${String(input)}`));
    const schemes: string[] = [];
    const client = new RegistryClient({
      registry: "registry.test",
      fetch: (input) => {
        schemes.push(new URL(String(input)).protocol);
        return refusing(input);
      },
      sleep: () => Promise.resolve(),
    });
    const error = await rejection(client.ping());
    assert.ok(error instanceof RegistryError);
    assert.doesNotMatch(error.message, /HTTP response to HTTPS client/);
    // Four HTTPS attempts, each followed by a plain-HTTP probe that gets no answer.
    assert.deepEqual(schemes, Array(4).fill(["https:", "http:"]).flat());
  });

  it("refuses something that is not a registry", async () => {
    const { fake, client } = setup({ auth: "none" });
    fake.addFault({ path: "/v2/", fault: { status: 404, body: "not here" } });
    const error = await rejection(client.ping());
    assert.ok(error instanceof RegistryError);
    assert.equal(error.status, 404);
  });

  it("rejects bad options", () => {
    assert.throws(() => new RegistryClient({ registry: "https://x" }), TypeError);
    assert.throws(() => new RegistryClient({ registry: "" }), TypeError);
    assert.throws(
      () => new RegistryClient({ registry: "x.io", retry: { maxRetries: -1 } }),
      RangeError,
    );
    assert.throws(() => new RegistryClient({ registry: "x.io", readTimeoutMs: 1.5 }), RangeError);
  });
});
