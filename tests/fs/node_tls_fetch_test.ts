// nodeTlsFetch: HTTPS over node:https with TLS options of its own, against a local server
// with a throw-away self-signed certificate.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server as HttpServer,
  type ServerResponse,
} from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { nodeHttpFetch, nodeTlsFetch } from "../../src/fs/node_http_fetch.ts";
import { selfSignedCertificate } from "../helpers/certificates.ts";

describe("nodeTlsFetch", () => {
  let dir: string;
  let server: Server;
  let plain: HttpServer;
  let base: string;
  let plainBase: string;

  /** Answers "METHOD PATH BYTES" (the request body's length), or redirects `/to-plain`. */
  const answer = (name: string) => async (req: IncomingMessage, res: ServerResponse) => {
    let bytes = 0;
    for await (const chunk of req) bytes += (chunk as Uint8Array).byteLength;
    if (req.url === "/to-plain") {
      res.writeHead(307, { location: `${plainBase}/landed` });
      res.end();
      return;
    }
    res.end(`${name} ${req.method} ${req.url} ${bytes}`);
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-tls-fetch-"));
    const files = selfSignedCertificate(dir);
    server = createServer(
      { cert: readFileSync(files.certificate), key: readFileSync(files.key) },
      answer("tls"),
    );
    plain = createHttpServer(answer("plain"));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", () => resolve()));
    base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    plain.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => plain.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("skips the certificate checks with verify: false, and only then", async () => {
    const unchecked = nodeTlsFetch({ verify: false });
    const response = await unchecked(`${base}/v2/`);
    assert.equal(response.status, 200);
    assert.equal(await response.text(), "tls GET /v2/ 0");
    // Checked requests, after an unchecked connection to the same server was pooled.
    await assert.rejects(nodeHttpFetch(`${base}/v2/`), TypeError);
    await assert.rejects(nodeTlsFetch({})(`${base}/v2/`), TypeError);
    await assert.rejects(nodeTlsFetch({ verify: true })(`${base}/v2/`), TypeError);
  });

  it("sends bodies (bytes and streams) with every method", async () => {
    const unchecked = nodeTlsFetch({ verify: false });
    const put = await unchecked(`${base}/upload`, { method: "PUT", body: new Uint8Array(5000) });
    assert.equal(await put.text(), "tls PUT /upload 5000");
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(1000));
        controller.close();
      },
    });
    const init = { method: "PATCH", body: stream, duplex: "half" } as RequestInit;
    const patch = await unchecked(`${base}/upload`, init);
    assert.equal(await patch.text(), "tls PATCH /upload 10000");
    const removed = await unchecked(`${base}/upload`, { method: "DELETE" });
    assert.equal(await removed.text(), "tls DELETE /upload 0");
  });

  it("follows a redirect from HTTPS to plain HTTP", async () => {
    const response = await nodeTlsFetch({ verify: false })(`${base}/to-plain`);
    assert.equal(await response.text(), "plain GET /landed 0");
  });
});
