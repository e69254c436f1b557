import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import { connect, createServer as createTcpServer, type Server as TcpServer } from "node:net";
import type { AddressInfo } from "node:net";
import { RegistryError } from "../../src/errors.ts";
import { sniffTls } from "../../src/fs/tls_sniff.ts";
import { Endpoint } from "../../src/registry/_endpoint.ts";
import { defaultSleep, type HttpContext } from "../../src/registry/_http.ts";
import { RegistryClient } from "../../src/registry/mod.ts";

/** A context whose `fetch` records the URLs it is asked for. */
function recordingContext(sniff: boolean): { ctx: HttpContext; urls: string[] } {
  const urls: string[] = [];
  const ctx: HttpContext = {
    fetch: (input, init) => {
      urls.push(input);
      return globalThis.fetch(input, init);
    },
    userAgent: "stevedore-test",
    retry: { maxRetries: 0, delayMs: 0, maxDelayMs: 0, sleep: defaultSleep, now: Date.now },
    connectTimeoutMs: 60_000,
    readTimeoutMs: 60_000,
    sniffTls: sniff ? sniffTls : undefined,
  };
  return { ctx, urls };
}

function endpoint(ctx: HttpContext, registry: string, insecure: boolean): Endpoint {
  return new Endpoint(ctx, registry, { insecure, credentials: () => Promise.resolve(undefined) });
}

/** The cipher suites a ClientHello record offers (RFC 8446, 4.1.2). */
function cipherSuiteCount(record: Uint8Array): number {
  const sessionIdLength = record[5 + 4 + 2 + 32];
  const at = 5 + 4 + 2 + 32 + 1 + sessionIdLength;
  return ((record[at] << 8) + record[at + 1]) / 2;
}

describe("an insecure endpoint asks whether its HTTPS port speaks TLS", () => {
  let http: Server;
  let registry: string;
  /** A TCP relay to `http` that keeps the first bytes of each connection. */
  let relay: TcpServer;
  let relayed: string;
  const firstBytes: Uint8Array[] = [];
  const relaySockets: { destroy(): void }[] = [];

  before(async () => {
    http = createServer((req, res) => {
      res.setHeader("docker-distribution-api-version", "registry/2.0");
      if (req.url !== "/v2/") res.statusCode = 404;
      res.end(req.url === "/v2/" ? "{}" : "");
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve()));
    const port = (http.address() as AddressInfo).port;
    registry = `127.0.0.1:${port}`;
    relay = createTcpServer((client) => {
      const upstream = connect({ host: "127.0.0.1", port });
      relaySockets.push(client, upstream);
      client.once("data", (chunk: Uint8Array) => firstBytes.push(new Uint8Array(chunk)));
      client.pipe(upstream).pipe(client);
      client.on("error", () => upstream.destroy());
      upstream.on("error", () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, "127.0.0.1", () => resolve()));
    relayed = `127.0.0.1:${(relay.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const socket of relaySockets) socket.destroy();
    http.closeAllConnections();
    await new Promise((resolve) => http.close(resolve));
    await new Promise((resolve) => relay.close(resolve));
  });

  it("goes to plain HTTP without an HTTPS attempt when the port answers in HTTP", async () => {
    const { ctx, urls } = recordingContext(true);
    assert.equal(await endpoint(ctx, registry, true).origin(), `http://${registry}`);
    assert.deepEqual(urls, [`http://${registry}/v2/`]);
  });

  it("tries HTTPS first when it cannot ask (a fetch of the caller's own)", async () => {
    const { ctx, urls } = recordingContext(false);
    assert.equal(await endpoint(ctx, registry, true).origin(), `http://${registry}`);
    assert.deepEqual(urls, [`https://${registry}/v2/`, `http://${registry}/v2/`]);
  });

  it("does not ask for a secure endpoint: HTTPS is tried and fails in podman's words", async () => {
    const { ctx, urls } = recordingContext(true);
    await assert.rejects(
      endpoint(ctx, registry, false).origin(),
      (error: unknown) =>
        error instanceof RegistryError && /server gave HTTP response to HTTPS/.test(error.message),
    );
    assert.equal(urls[0], `https://${registry}/v2/`);
  });

  it("tries HTTPS when the port does not answer in HTTP", async () => {
    // A port that closes every connection at once: neither TLS nor HTTP can be told.
    const closing = createTcpServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => closing.listen(0, "127.0.0.1", () => resolve()));
    const host = `127.0.0.1:${(closing.address() as AddressInfo).port}`;
    try {
      const { ctx, urls } = recordingContext(true);
      await assert.rejects(endpoint(ctx, host, true).origin(), RegistryError);
      assert.deepEqual(urls, [`https://${host}/v2/`, `http://${host}/v2/`]);
    } finally {
      await new Promise((resolve) => closing.close(resolve));
    }
  });

  it("a RegistryClient with the default fetch reaches a plain-HTTP insecure registry without the runtime's TLS", async () => {
    firstBytes.length = 0;
    const client = new RegistryClient({ registry: relayed, insecure: true });
    await assert.rejects(client.getManifest("app", "v1"), /app/);
    const hellos = firstBytes.filter((bytes) => bytes[0] === 0x16);
    assert.equal(hellos.length, 1, "one ClientHello reached the port");
    // The sniff offers two cipher suites; every runtime's TLS client offers many more.
    assert.equal(cipherSuiteCount(hellos[0]), 2);
  });
});
