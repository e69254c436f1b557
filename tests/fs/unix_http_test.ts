import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { unixFetch, unixSocketFetch } from "../../src/fs/unix_http.ts";

const MB = 1024 * 1024;

/** A deterministic stream of `total` bytes in 64 KiB chunks. */
function bytesStream(total: number): { stream: ReadableStream<Uint8Array>; digest: string } {
  const hash = createHash("sha256");
  const chunks: Uint8Array[] = [];
  for (let offset = 0; offset < total; offset += 65536) {
    const chunk = new Uint8Array(Math.min(65536, total - offset)).map((_, i) => (offset + i) % 251);
    hash.update(chunk);
    chunks.push(chunk);
  }
  let next = 0;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (next === chunks.length) controller.close();
      else controller.enqueue(chunks[next++]);
    },
  });
  return { stream, digest: hash.digest("hex") };
}

describe("unixFetch", () => {
  let dir: string;
  let socket: string;
  let server: Server;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-unix-http-"));
    socket = join(dir, "http.sock");
    server = createServer(async (req, res) => {
      const url = new URL(req.url!, "http://x");
      if (url.pathname === "/echo-digest") {
        const hash = createHash("sha256");
        let size = 0;
        for await (const chunk of req) {
          hash.update(chunk);
          size += chunk.length;
        }
        res.writeHead(201, {
          "X-Size": String(size),
          "X-Method": req.method!,
          "X-Host": req.headers.host!,
        });
        res.end(hash.digest("hex"));
        return;
      }
      if (url.pathname === "/big") {
        const { stream } = bytesStream(Number(url.searchParams.get("n")));
        res.writeHead(200, { "Content-Type": "application/octet-stream" });
        for await (const chunk of stream) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
        }
        res.end();
        return;
      }
      if (url.pathname === "/empty") {
        res.writeHead(204);
        res.end();
        return;
      }
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ message: `no ${url.pathname}` }));
    });
    await new Promise<void>((resolve) => server.listen(socket, () => resolve()));
  });

  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it("streams a request body and passes method, path and host", async () => {
    const { stream, digest } = bytesStream(3 * MB + 17);
    const response = await unixFetch(
      socket,
      new Request("http://docker/echo-digest?x=1", {
        method: "POST",
        body: stream,
        duplex: "half",
      } as RequestInit),
    );
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("x-size"), String(3 * MB + 17));
    assert.equal(response.headers.get("x-method"), "POST");
    assert.equal(response.headers.get("x-host"), "docker");
    assert.equal(await response.text(), digest);
  });

  it("streams a large response body", async () => {
    const { digest } = bytesStream(5 * MB + 3);
    const response = await unixSocketFetch(socket)(`http://docker/big?n=${5 * MB + 3}`);
    assert.equal(response.status, 200);
    const reader = response.body!.getReader();
    const hash = createHash("sha256");
    let chunks = 0;
    while (true) {
      const next = await reader.read();
      if (next.done) break;
      chunks++;
      hash.update(next.value);
    }
    assert.ok(chunks > 1);
    assert.equal(hash.digest("hex"), digest);
  });

  it("answers error statuses and empty bodies like fetch", async () => {
    const missing = await unixFetch(socket, new Request("http://docker/nope"));
    assert.equal(missing.status, 404);
    assert.equal(missing.ok, false);
    assert.deepEqual(await missing.json(), { message: "no /nope" });
    const empty = await unixFetch(socket, new Request("http://docker/empty"));
    assert.equal(empty.status, 204);
    assert.equal(empty.body, null);
  });

  it("rejects with a TypeError when nothing listens", async () => {
    await assert.rejects(
      unixFetch(join(dir, "missing.sock"), new Request("http://docker/_ping")),
      (error) => {
        assert.ok(error instanceof TypeError);
        assert.match(error.message, /missing\.sock/);
        assert.ok(error.cause !== undefined);
        return true;
      },
    );
  });

  it("stops on an aborted signal", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await assert.rejects(
      unixFetch(socket, new Request("http://docker/big?n=10", { signal: controller.signal })),
      /stop|abort/i,
    );
    const later = new AbortController();
    const response = await unixFetch(
      socket,
      new Request(`http://docker/big?n=${8 * MB}`, { signal: later.signal }),
    );
    const reader = response.body!.getReader();
    await reader.read();
    later.abort(new Error("enough"));
    await assert.rejects(
      (async () => {
        while (!(await reader.read()).done) { /* drain */ }
      })(),
    );
  });
});
