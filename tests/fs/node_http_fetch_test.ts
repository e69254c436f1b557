import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { nodeHttpFetch } from "../../src/fs/node_http_fetch.ts";

const MB = 1024 * 1024;

/** Byte `i` of the test bodies. */
const byteAt = (i: number) => (i * 7 + 3) % 251;

describe("nodeHttpFetch", () => {
  let server: Server;
  let base: string;
  /** Another origin (another port), which records the requests it gets. */
  let other: Server;
  let otherBase: string;
  const otherSeen: { method: string; url: string; headers: IncomingHttpHeaders }[] = [];
  /** The headers of the last request, its method, and a way to hold a body half sent. */
  let seen: IncomingHttpHeaders = {};
  let seenMethod = "";
  let cutBody: (() => void) | undefined;
  let bodyStarted: (() => void) | undefined;

  before(async () => {
    other = createServer(async (req, res) => {
      for await (const _ of req) { /* drain the body */ }
      otherSeen.push({ method: req.method!, url: req.url!, headers: req.headers });
      res.end("elsewhere");
    });
    await new Promise<void>((resolve) => other.listen(0, "127.0.0.1", () => resolve()));
    otherBase = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    server = createServer(async (req, res) => {
      for await (const _ of req) { /* drain the body */ }
      seen = req.headers;
      seenMethod = req.method!;
      const url = new URL(req.url!, "http://x");
      if (url.pathname === "/big") {
        const total = Number(url.searchParams.get("n"));
        res.writeHead(200, { "Content-Length": String(total), "X-Kind": "blob" });
        for (let offset = 0; offset < total; offset += 65536) {
          const chunk = Buffer.alloc(Math.min(65536, total - offset));
          for (let i = 0; i < chunk.length; i++) chunk[i] = byteAt(offset + i);
          if (!res.write(chunk)) await new Promise((resolve) => res.once("drain", resolve));
        }
        res.end();
        return;
      }
      if (url.pathname === "/moved") {
        res.writeHead(307, { Location: "/big?n=3" });
        res.end("moved");
        return;
      }
      if (url.pathname === "/hop") {
        // /hop?n=K redirects K more times (with the status `s`, 307 by default), then to
        // `to` (a URL), or to /big?n=3.
        const left = Number(url.searchParams.get("n"));
        const status = Number(url.searchParams.get("s") ?? "307");
        const to = url.searchParams.get("to") ?? "/big?n=3";
        const next = left > 0 ? `/hop?n=${left - 1}&s=${status}&to=${encodeURIComponent(to)}` : to;
        res.writeHead(status, { Location: next });
        res.end("moved");
        return;
      }
      if (url.pathname === "/dup") {
        res.setHeader("X-Dup", ["1", "2"]);
        res.end();
        return;
      }
      if (url.pathname === "/nowhere") {
        res.writeHead(302);
        res.end("no location");
        return;
      }
      if (url.pathname === "/cut") {
        // Promises 1 MB, sends 1000 bytes, then drops the connection when the test says.
        res.writeHead(200, { "Content-Length": String(MB) });
        res.write(Buffer.alloc(1000, 1));
        cutBody = () => res.socket?.destroy();
        bodyStarted?.();
        return;
      }
      if (url.pathname === "/hang") {
        bodyStarted?.();
        return; // never answers
      }
      res.writeHead(404);
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    for (const each of [server, other]) {
      each.closeAllConnections();
      await new Promise((resolve) => each.close(resolve));
    }
  });

  it("streams a large body whole, with the status and headers", async () => {
    const total = 5 * MB + 17;
    const response = await nodeHttpFetch(`${base}/big?n=${total}`, { redirect: "manual" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-kind"), "blob");
    assert.equal(response.headers.get("content-length"), String(total));
    const hash = createHash("sha256");
    const expected = createHash("sha256");
    let size = 0;
    for await (const chunk of response.body!) {
      hash.update(chunk);
      size += chunk.length;
    }
    for (let offset = 0; offset < total; offset += MB) {
      const part = Buffer.alloc(Math.min(MB, total - offset));
      for (let i = 0; i < part.length; i++) part[i] = byteAt(offset + i);
      expected.update(part);
    }
    assert.equal(size, total);
    assert.equal(hash.digest("hex"), expected.digest("hex"));
    // Sent as asked: the request's headers, no content coding asked for.
    assert.equal(seen["accept-encoding"], undefined);
  });

  it("sends the request's headers and answers HEAD with no body", async () => {
    const response = await nodeHttpFetch(`${base}/big?n=10`, {
      method: "HEAD",
      headers: { authorization: "Bearer t", "user-agent": "stevedore-test" },
    });
    assert.equal(response.status, 200);
    assert.equal(response.body, null);
    assert.equal(seen.authorization, "Bearer t");
    assert.equal(seen["user-agent"], "stevedore-test");
  });

  it("reads header names in any case, repeated ones joined as fetch does", async () => {
    const response = await nodeHttpFetch(`${base}/dup`, {
      headers: [["X-Asked", "a"], ["x-asked", "b"]],
    });
    assert.equal(response.headers.get("x-dup"), "1, 2");
    assert.equal(response.headers.get("X-DUP"), "1, 2");
    assert.equal(response.headers.get("x-missing"), null);
    assert.equal(seen["x-asked"], "a, b");
    assert.equal(response.ok, true);
    assert.equal(await response.text(), "");
  });

  it("returns a redirect as it is, Location readable", async () => {
    const response = await nodeHttpFetch(`${base}/moved`, { redirect: "manual" });
    assert.equal(response.status, 307);
    assert.equal(response.headers.get("location"), "/big?n=3");
    assert.equal(await response.text(), "moved");
  });

  it("follows redirects by default, up to 20, as fetch does", async () => {
    const followed = await nodeHttpFetch(`${base}/hop?n=19`);
    assert.equal(followed.status, 200);
    assert.deepEqual([...await followed.bytes()], [3, 10, 17]);
    const head = await nodeHttpFetch(`${base}/hop?n=2&s=303`, { method: "head" });
    assert.equal(head.status, 200);
    assert.equal(seenMethod, "HEAD");
    await assert.rejects(nodeHttpFetch(`${base}/hop?n=20`), /more than 20 redirects/);
    // Without a Location, a redirect is the answer.
    const bare = await nodeHttpFetch(`${base}/nowhere`);
    assert.equal(bare.status, 302);
    assert.equal(await bare.text(), "no location");
  });

  it('fails on a redirect with redirect: "error"', async () => {
    await assert.rejects(nodeHttpFetch(`${base}/hop?n=0`, { redirect: "error" }), TypeError);
    const plain = await nodeHttpFetch(`${base}/big?n=2`, { redirect: "error" });
    assert.equal(plain.status, 200);
    await plain.body?.cancel();
  });

  it("sends Authorization to the same origin only, across redirects", async () => {
    otherSeen.length = 0;
    const to = `${otherBase}/landing?x=1`;
    const response = await nodeHttpFetch(`${base}/hop?n=1&to=${encodeURIComponent(to)}`, {
      headers: { authorization: "Bearer secret", "x-kept": "yes" },
    });
    assert.equal(await response.text(), "elsewhere");
    assert.equal(seen.authorization, "Bearer secret"); // the last same-origin hop had it
    assert.equal(otherSeen.length, 1);
    assert.equal(otherSeen[0].url, "/landing?x=1");
    assert.equal(otherSeen[0].headers.authorization, undefined);
    assert.equal(otherSeen[0].headers["x-kept"], "yes");
    // The caller's headers are left as they were.
    const headers = new Headers({ authorization: "Bearer mine" });
    await (await nodeHttpFetch(`${base}/hop?n=0&to=${encodeURIComponent(to)}`, { headers }))
      .text();
    assert.equal(headers.get("authorization"), "Bearer mine");
  });

  it("turns a POST into a GET on 303 and refuses to send a body again on 307", async () => {
    otherSeen.length = 0;
    const to = encodeURIComponent(`${otherBase}/after-post`);
    const response = await nodeHttpFetch(`${base}/hop?n=0&s=303&to=${to}`, {
      method: "POST",
      body: "form=1",
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    assert.equal(await response.text(), "elsewhere");
    assert.equal(otherSeen[0].method, "GET");
    assert.equal(otherSeen[0].headers["content-type"], undefined);
    await assert.rejects(
      nodeHttpFetch(`${base}/hop?n=0&s=307`, { method: "POST", body: "form=1" }),
      /cannot send the body again/,
    );
  });

  it("refuses URLs with credentials, and redirects to other schemes", async () => {
    await assert.rejects(nodeHttpFetch(`http://user:pw@127.0.0.1:1/`), TypeError);
    const to = encodeURIComponent("ftp://127.0.0.1/x");
    await assert.rejects(nodeHttpFetch(`${base}/hop?n=0&to=${to}`), /not HTTP\(S\)/);
  });

  it("fails the body when the connection drops before its end", async () => {
    const started = new Promise<void>((resolve) => (bodyStarted = resolve));
    const response = await nodeHttpFetch(`${base}/cut`);
    await started;
    const reader = response.body!.getReader();
    const first = await reader.read();
    assert.equal(first.done, false);
    cutBody!();
    await assert.rejects(async () => {
      while (!(await reader.read()).done);
    }, Error);
  });

  it("rejects with the signal's reason when aborted, and a TypeError when refused", async () => {
    const controller = new AbortController();
    const started = new Promise<void>((resolve) => (bodyStarted = resolve));
    const pending = nodeHttpFetch(`${base}/hang`, { signal: controller.signal });
    await started;
    const reason = new Error("stop");
    controller.abort(reason);
    await assert.rejects(pending, (error) => error === reason);

    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await assert.rejects(nodeHttpFetch(`http://127.0.0.1:${port}/`), (error) => {
      assert.ok(error instanceof TypeError);
      assert.equal((error.cause as { code?: string }).code, "ECONNREFUSED");
      return true;
    });
    await assert.rejects(nodeHttpFetch("ftp://127.0.0.1/x"), TypeError);
  });
});
