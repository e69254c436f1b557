import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { createServer as createTcpServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { sniffTls } from "../../src/fs/tls_sniff.ts";
import { selfSignedCertificate } from "../helpers/certificates.ts";

function listen(server: Server | HttpServer | TlsServer): Promise<number> {
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function close(server: Server | HttpServer | TlsServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

describe("sniffTls", () => {
  const dir = mkdtempSync(join(tmpdir(), "stevedore-sniff-"));
  /** Sockets the silent server holds, closed at the end. */
  const held: Socket[] = [];
  let http: HttpServer;
  let tls: TlsServer;
  let silent: Server;
  let closing: Server;
  let garbage: Server;
  /** The first bytes each raw server received, by server. */
  const received = new Map<string, Promise<Uint8Array>>();
  const ports: Record<string, number> = {};

  /** A raw TCP server that records what the first packet held and answers with `answer`. */
  function rawServer(name: string, answer: (socket: Socket) => void): Server {
    let got: (bytes: Uint8Array) => void = () => {};
    received.set(name, new Promise((resolve) => got = resolve));
    return createTcpServer((socket) => {
      held.push(socket);
      socket.once("data", (chunk: Uint8Array) => {
        got(new Uint8Array(chunk));
        answer(socket);
      });
      socket.on("error", () => {});
    });
  }

  before(async () => {
    const cert = selfSignedCertificate(dir);
    http = createHttpServer((_req, res) => res.end("not reached"));
    tls = createTlsServer({
      cert: readFileSync(cert.certificate),
      key: readFileSync(cert.key),
    }, (socket) => socket.end());
    tls.on("tlsClientError", () => {});
    silent = rawServer("silent", () => {});
    closing = rawServer("closing", (socket) => socket.destroy());
    garbage = rawServer("garbage", (socket) => socket.end("SSH-2.0-OpenSSH_9.2\r\n"));
    ports.http = await listen(http);
    ports.tls = await listen(tls);
    ports.silent = await listen(silent);
    ports.closing = await listen(closing);
    ports.garbage = await listen(garbage);
    // A port nobody listens on: one a server had, closed again.
    const gone = createTcpServer();
    ports.refused = await listen(gone);
    await close(gone);
  });

  after(async () => {
    for (const socket of held) socket.destroy();
    await Promise.all([http, tls, silent, closing, garbage].map(close));
    rmSync(dir, { recursive: true, force: true });
  });

  it("says plain for a plain-HTTP server (it answers the ClientHello with a 400)", async () => {
    assert.equal(await sniffTls("127.0.0.1", ports.http, { timeoutMs: 60_000 }), "plain");
  });

  it("says tls for a TLS server, whatever its certificate", async () => {
    assert.equal(await sniffTls("127.0.0.1", ports.tls, { timeoutMs: 60_000 }), "tls");
  });

  it("sends a TLS handshake record", async () => {
    assert.equal(await sniffTls("127.0.0.1", ports.closing, { timeoutMs: 60_000 }), "unknown");
    const first = await received.get("closing")!;
    assert.equal(first[0], 0x16, "a handshake record");
    assert.equal(first[5], 0x01, "holding a ClientHello");
    assert.equal((first[3] << 8) + first[4], first.length - 5, "one whole record");
  });

  it("says unknown when the port answers neither TLS nor HTTP", async () => {
    assert.equal(await sniffTls("127.0.0.1", ports.garbage, { timeoutMs: 60_000 }), "unknown");
  });

  it("says unknown when nobody listens", async () => {
    assert.equal(await sniffTls("127.0.0.1", ports.refused, { timeoutMs: 60_000 }), "unknown");
  });

  it("says unknown when the server stays silent past the timeout", async () => {
    // The server never answers, so the outcome does not depend on how long the wait is.
    assert.equal(await sniffTls("127.0.0.1", ports.silent, { timeoutMs: 200 }), "unknown");
    await received.get("silent");
  });

  it("says unknown at once when the signal is aborted", async () => {
    const controller = new AbortController();
    controller.abort();
    const answer = await sniffTls("127.0.0.1", ports.http, {
      timeoutMs: 60_000,
      signal: controller.signal,
    });
    assert.equal(answer, "unknown");
  });

  it("gives up when the signal aborts while the server is silent", async () => {
    const controller = new AbortController();
    const answer = sniffTls("127.0.0.1", ports.silent, {
      timeoutMs: 600_000,
      signal: controller.signal,
    });
    controller.abort();
    assert.equal(await answer, "unknown");
  });
});
