// Starting the server: listen addresses, the loopback rule, the adapters and the
// entry point's arguments.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isLocalTarget, parseListen, startServer } from "../../src/server/mod.ts";
import { parseServerArgs } from "../../server.ts";

describe("parseListen", () => {
  it("parses host:port, tcp:// and unix:// addresses", () => {
    assert.deepEqual(parseListen("127.0.0.1:8080"), { hostname: "127.0.0.1", port: 8080 });
    assert.deepEqual(parseListen("tcp://0.0.0.0:1"), { hostname: "0.0.0.0", port: 1 });
    assert.deepEqual(parseListen("[::1]:9"), { hostname: "::1", port: 9 });
    assert.deepEqual(parseListen("unix:///run/s.sock"), { path: "/run/s.sock" });
  });

  it("rejects malformed addresses", () => {
    for (const bad of ["", "127.0.0.1", "host:99999", "unix://", "http://x:1", "a b:1"]) {
      assert.throws(() => parseListen(bad), TypeError, bad);
    }
  });

  it("knows which targets stay local", () => {
    assert.equal(isLocalTarget({ hostname: "127.0.0.1", port: 1 }), true);
    assert.equal(isLocalTarget({ hostname: "localhost", port: 1 }), true);
    assert.equal(isLocalTarget({ hostname: "::1", port: 1 }), true);
    assert.equal(isLocalTarget({ path: "/tmp/s" }), true);
    assert.equal(isLocalTarget({ hostname: "0.0.0.0", port: 1 }), false);
    assert.equal(isLocalTarget({ hostname: "10.0.0.1", port: 1 }), false);
  });
});

describe("startServer", () => {
  it("refuses a non-loopback address without a token, and short tokens", async () => {
    await assert.rejects(startServer({ listen: "0.0.0.0:0", root: "/nonexistent" }), /token/);
    await assert.rejects(
      startServer({ listen: "127.0.0.1:0", root: "/nonexistent", token: "short" }),
      /at least 8/,
    );
  });

  it("serves on a free port with the running runtime's server", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-start-"));
    const server = await startServer({ listen: "127.0.0.1:0", root: join(dir, "store") });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const response = await fetch(`${server.url}/_ping`);
      assert.equal(await response.text(), "OK");
      const images = await (await fetch(`${server.url}/v1.40/images/json`)).json();
      assert.deepEqual(images, []);
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("serves with the Node adapter on any runtime", async () => {
    const dir = await mkdtemp(join(tmpdir(), "stevedore-start-"));
    const server = await startServer({
      listen: "127.0.0.1:0",
      root: join(dir, "store"),
      adapter: "node",
    });
    try {
      assert.equal(server.adapter, "node");
      assert.equal((await fetch(`${server.url}/_ping`)).headers.get("api-version"), "1.47");
    } finally {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("server.ts arguments", () => {
  it("parses flags in both forms with defaults", () => {
    assert.deepEqual(parseServerArgs([]), { listen: "127.0.0.1:8080", help: false });
    assert.deepEqual(
      parseServerArgs(["--listen", "unix:///tmp/s", "--root=/r", "--token", "t0ken-123"]),
      { listen: "unix:///tmp/s", root: "/r", token: "t0ken-123", help: false },
    );
    assert.equal(parseServerArgs(["-h"]).help, true);
  });

  it("rejects unknown flags and missing values", () => {
    assert.throws(() => parseServerArgs(["--bogus"]), /unknown argument/);
    assert.throws(() => parseServerArgs(["--root"]), /needs a value/);
  });
});
