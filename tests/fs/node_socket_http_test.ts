// Node's bodiless requests go over raw sockets that read into pooled buffers: the answers
// must be those `node:http` gives (status, fields, bodies of every framing), connections
// are kept alive and reused, reads come back once released, and a server that breaks the
// protocol, cuts a body or floods the head gets a clear error.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { type AddressInfo, createServer, type Server, type Socket } from "node:net";
import { socketHttpAvailable, SocketPool } from "../../src/fs/_node_socket_http.ts";
import type { NodeRequestSpec } from "../../src/fs/_node_http.ts";
import { releasePiece } from "../../src/streams/mod.ts";

const MiB = 1024 * 1024;

/** What the test server does with a request, by path. */
type Script = (socket: Socket, request: string) => void;

/** The pool's tests run on Node only (see `socketHttpAvailable`). */
const nodeOnly = { skip: !socketHttpAvailable() && "Node only" };

describe("SocketPool (Node)", () => {
  it("is Node only (Deno's and Bun's sockets are not read this way)", () => {
    const host = globalThis as { Deno?: unknown; Bun?: unknown };
    assert.equal(socketHttpAvailable(), host.Deno === undefined && host.Bun === undefined);
  });

  let server: Server;
  let port: number;
  const scripts = new Map<string, Script>();
  let connections = 0;
  const requests: string[] = [];
  const pool = new SocketPool();

  before(async () => {
    server = createServer((socket) => {
      connections++;
      let pending = "";
      socket.on("data", (data) => {
        pending += data.toString("latin1");
        for (let end = pending.indexOf("\r\n\r\n"); end >= 0; end = pending.indexOf("\r\n\r\n")) {
          const request = pending.slice(0, end);
          pending = pending.slice(end + 4);
          requests.push(request);
          const path = request.split(" ")[1];
          (scripts.get(path) ?? ((s) => s.end("HTTP/1.1 404 Not Found\r\n\r\n")))(socket, request);
        }
      });
      socket.on("error", () => {});
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  const spec = (path: string, extra: Partial<NodeRequestSpec> = {}): NodeRequestSpec => ({
    method: "GET",
    url: new URL(`http://127.0.0.1:${port}${path}`),
    headers: { accept: "*/*" },
    body: null,
    ...extra,
  });
  const send = (path: string, extra: Partial<NodeRequestSpec> = {}) =>
    pool.send(spec(path, extra), { host: "127.0.0.1", port }, `127.0.0.1:${port}`, false);
  const text = async (body: ReadableStream<Uint8Array> | null) =>
    body === null ? "" : new TextDecoder().decode(await new Response(body).arrayBuffer());

  it(
    "answers with the status, the fields and the body, and reuses the connection",
    nodeOnly,
    async () => {
      scripts.set("/small", (socket) => {
        socket.write(
          "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Thing: a\r\nx-thing: b\r\n\r\nhello",
        );
      });
      const before = connections;
      for (let i = 0; i < 3; i++) {
        const response = await send("/small");
        assert.equal(response.status, 200);
        assert.equal(response.statusText, "OK");
        assert.equal(response.headers.get("X-THING"), "a, b");
        assert.equal(await text(response.body), "hello");
      }
      assert.equal(connections - before, 1, "one connection for three requests");
      const sent = requests.at(-1)!;
      assert.match(sent, /^GET \/small HTTP\/1\.1\r\n/);
      assert.match(sent, /\r\nhost: 127\.0\.0\.1:\d+/);
      assert.match(sent, /\r\naccept: \*\/\*/);
    },
  );

  it("reads a head and a body that come a few bytes at a time", nodeOnly, async () => {
    const answer = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nhello world";
    scripts.set("/trickle", (socket) => {
      let at = 0;
      const next = () => {
        if (at >= answer.length) return;
        socket.write(answer.slice(at, at += 3), next);
      };
      next();
    });
    assert.equal(await text((await send("/trickle")).body), "hello world");
  });

  it("reads chunked bodies, and bodies that end with the connection", nodeOnly, async () => {
    scripts.set("/chunked", (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
      socket.write("6;x=y\r\n world\r\n0\r\nA-Trailer: 1\r\n\r\n");
    });
    scripts.set("/close", (socket) => socket.end("HTTP/1.1 200 OK\r\n\r\nuntil the end"));
    scripts.set("/continue", (socket) => {
      socket.write("HTTP/1.1 103 Early Hints\r\nLink: </x>\r\n\r\n");
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    });
    assert.equal(await text((await send("/chunked")).body), "hello world");
    const before = connections;
    assert.equal(await text((await send("/chunked")).body), "hello world");
    assert.equal(connections, before, "a chunked body leaves the connection reusable");
    assert.equal(await text((await send("/close")).body), "until the end");
    const hinted = await send("/continue");
    assert.equal(hinted.status, 200);
    assert.equal(await text(hinted.body), "ok");
  });

  it("answers HEAD, 204 and 304 without a body, and keeps the connection", nodeOnly, async () => {
    scripts.set(
      "/head",
      (socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"),
    );
    scripts.set("/empty", (socket) => socket.write("HTTP/1.1 204 No Content\r\n\r\n"));
    assert.equal(await text((await send("/small")).body), "hello");
    const before = connections;
    const head = await send("/head", { method: "HEAD" });
    assert.equal(head.headers.get("content-length"), "1234");
    assert.equal(head.body, null);
    assert.equal((await send("/empty")).body, null);
    assert.equal((await send("/head", { method: "HEAD" })).status, 200);
    assert.equal(connections, before);
  });

  it(
    "hands large bodies on in the buffers it read into, taken back once released",
    nodeOnly,
    async () => {
      const size = 8 * MiB;
      scripts.set("/large", (socket) => {
        socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${size}\r\n\r\n`);
        const block = Buffer.alloc(MiB);
        for (let i = 0; i < block.length; i++) block[i] = i % 251;
        for (let i = 0; i < size / MiB; i++) socket.write(block);
      });
      const reader = (await send("/large")).body!.getReader();
      const buffers = new Set<ArrayBufferLike>();
      let total = 0;
      let chunks = 0;
      for (let next = await reader.read(); !next.done; next = await reader.read()) {
        const chunk = next.value;
        for (let i = 0; i < chunk.length; i += 4099) {
          assert.equal(
            chunk[i],
            (total + i) % MiB % 251,
          );
        }
        total += chunk.length;
        chunks++;
        buffers.add(chunk.buffer);
        releasePiece(chunk);
      }
      assert.equal(total, size);
      assert.ok(buffers.size < chunks / 2, `${buffers.size} buffers for ${chunks} chunks`);
    },
  );

  it("fails a body cut short, and a head the server never ends", nodeOnly, async () => {
    scripts.set(
      "/cut",
      (socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial"),
    );
    const cut = await send("/cut");
    await assert.rejects(text(cut.body), /closed before the response ended/);
    scripts.set("/flood", (socket) => {
      socket.write("HTTP/1.1 200 OK\r\n");
      const line = `X-Flood: ${"a".repeat(1000)}\r\n`;
      for (let i = 0; i < 100; i++) socket.write(line);
    });
    await assert.rejects(send("/flood"), /Invalid HTTP response: the head is too large/);
    scripts.set("/hints", (socket) => {
      socket.write("HTTP/1.1 103 Early Hints\r\n\r\n".repeat(10_000));
    });
    await assert.rejects(send("/hints"), /Invalid HTTP response: too many informational/);
    scripts.set("/garbage", (socket) => socket.write("SSH-2.0-OpenSSH\r\n\r\n"));
    await assert.rejects(send("/garbage"), /Invalid HTTP response: bad status line "SSH-2\.0/);
    scripts.set("/silent", (socket) => socket.end());
    await assert.rejects(send("/silent"), (error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /Cannot connect to "127\.0\.0\.1:\d+"/);
      return true;
    });
  });

  it(
    "sends a request again on a new connection when a kept one closes unanswered",
    nodeOnly,
    async () => {
      const served = new WeakSet<Socket>();
      scripts.set("/flaky", (socket) => {
        // The second request on a connection finds it closed, as after a server's idle timeout.
        if (served.has(socket)) return void socket.destroy();
        served.add(socket);
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
      });
      const fresh = new SocketPool();
      const get = () =>
        fresh.send(spec("/flaky"), { host: "127.0.0.1", port }, `127.0.0.1:${port}`, false);
      assert.equal(await text((await get()).body), "ok");
      const before = connections;
      assert.equal(await text((await get()).body), "ok");
      assert.equal(connections, before + 1);
    },
  );

  it("does not reuse a connection whose answer had bytes after its body", nodeOnly, async () => {
    scripts.set("/extra", (socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokGARBAGE");
    });
    assert.equal(await text((await send("/extra")).body), "ok");
    const before = connections;
    assert.equal(await text((await send("/small")).body), "hello");
    assert.equal(connections, before + 1);
  });

  it(
    "refuses header values that would split the request, before connecting",
    nodeOnly,
    async () => {
      const before = connections;
      await assert.rejects(
        send("/small", { headers: { "x-a": "1\r\nInjected: yes" } }),
        /Invalid header "x-a"/,
      );
      await assert.rejects(send("/small", { method: "GET /x" }), /Invalid method/);
      assert.equal(connections, before);
    },
  );

  it("rejects with the signal's reason, before the head and in the body", nodeOnly, async () => {
    let headSent!: () => void;
    const holding = new Promise<void>((resolve) => headSent = resolve);
    scripts.set("/hold", () => headSent());
    const early = new AbortController();
    const pending = send("/hold", { signal: early.signal });
    await holding;
    const reason = new Error("stop");
    early.abort(reason);
    await assert.rejects(pending, (error) => error === reason);

    scripts.set(
      "/half",
      (socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"),
    );
    const late = new AbortController();
    const response = await send("/half", { signal: late.signal });
    const reader = response.body!.getReader();
    assert.equal(new TextDecoder().decode((await reader.read()).value), "half");
    const lateReason = new Error("later");
    late.abort(lateReason);
    await assert.rejects(reader.read(), (error) => error === lateReason);
  });
});
