// The server's edges: a request log without credentials, `/v2/` uploads that are capped,
// dropped when the client goes away and staged on the runtime's own file system, `POST
// /auth` with identity tokens, and the loopback rule for registries.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { openRuntime, type Runtime, runtimeParts } from "../../src/runtime/mod.ts";
import { createServerApp, startServer } from "../../src/server/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { redactRequestTarget } from "../../src/server/_redact.ts";
import { isLoopbackRegistry } from "../../src/server/_loopback.ts";
import { openMemoryTestRuntime } from "../helpers/memory_runtime.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { TokenRegistry } from "../helpers/token_registry.ts";

const SECRET = "hunter2-secret";

const memoryRuntime = (fs?: MemoryFileSystem): Promise<Runtime> => openMemoryTestRuntime(fs);

async function stevedoreTmp(): Promise<string[]> {
  return (await readdir(tmpdir())).filter((name) => name.startsWith("stevedore-uploads-"));
}

/** Waits for `check` to hold, re-checking as events settle; a hang guard, not a timing. */
async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("request log", () => {
  it("redacts credentials in URLs and secret query parameters", () => {
    const target = redactRequestTarget(
      new URL(
        `http://h/v1.47/images/create?fromImage=http://user:${SECRET}@registry.test/app&tag=v1` +
          `&password=${SECRET}&x_token=${SECRET}&repo=user:${SECRET}@host/app`,
      ),
    );
    assert.doesNotMatch(target, new RegExp(SECRET));
    assert.match(target, /tag=v1/);
    assert.match(target, /registry\.test/);
    const path = redactRequestTarget(new URL(`http://h/images/user:${SECRET}@host/app/json`));
    assert.doesNotMatch(path, new RegExp(SECRET));
    // Control characters never reach the log.
    const logged = redactRequestTarget(new URL("http://h/images/a%0Ab%1B/json"));
    assert.ok(![...logged].some((c) => c.charCodeAt(0) < 0x20), logged);
  });

  it("logs neither query secrets nor X-Registry-Auth nor Authorization", async () => {
    const lines: string[] = [];
    const runtime = await memoryRuntime();
    const server = createServerApp(runtime, { log: (line) => lines.push(line) });
    try {
      const auth = btoa(JSON.stringify({ username: "u", password: SECRET }));
      const response = await server.app.request(
        `/images/create?fromImage=${encodeURIComponent(`http://u:${SECRET}@127.0.0.1:1/app`)}`,
        { method: "POST", headers: { "X-Registry-Auth": auth, Authorization: `Bearer ${SECRET}` } },
      );
      await response.body?.cancel();
      await (await server.app.request(`/images/json?password=${SECRET}`)).body?.cancel();
      assert.equal(lines.length, 2);
      for (const line of lines) assert.doesNotMatch(line, new RegExp(`${SECRET}|${auth}`));
      assert.match(lines[0], /^POST \/images\/create\?fromImage=\S*REDACTED\S* /);
    } finally {
      server.close();
    }
  });
});

describe("/v2/ uploads", () => {
  it("stage on the runtime's file system: an in-memory runtime writes nothing to disk", async () => {
    const fs = new MemoryFileSystem();
    const runtime = await memoryRuntime(fs);
    const server = createServerApp(runtime);
    const before = await stevedoreTmp();
    try {
      const memory = memoryTransport();
      const image = randomImage({ layers: 2, layerSize: 2048 });
      memory.store.add("app:v1", image);
      const fetchServer = (input: string | URL | Request, init?: RequestInit) =>
        Promise.resolve(server.app.fetch(new Request(input, init)));
      await copyBetween(memory.parse("app:v1"), "docker://stevedore.test/team/app:v1", {
        context: { fs, fetch: fetchServer as typeof fetch },
      });
      const records = await runtimeParts(runtime).store.images();
      assert.deepEqual(records.map((r) => [r.id, r.names]), [
        [image.config.digest.slice(7), ["localhost/team/app:v1"]],
      ]);
      assert.equal(existsSync(runtimeParts(runtime).store.root), false);
      assert.deepEqual(await stevedoreTmp(), before);
      assert.deepEqual(await fs.readDir(`${runtimeParts(runtime).store.root}/tmp`), []);
    } finally {
      server.close();
    }
  });

  it("refuse a blob beyond the cap with 413 and keep nothing of it", async () => {
    const fs = new MemoryFileSystem();
    const runtime = await memoryRuntime(fs);
    const server = createServerApp(runtime, { maxUploadBytes: 1000 });
    const tmp = `${runtimeParts(runtime).store.root}/tmp`;
    try {
      const start = await server.app.request("/v2/app/blobs/uploads/", { method: "POST" });
      assert.equal(start.status, 202);
      const location = start.headers.get("location")!;
      const first = await server.app.request(location, {
        method: "PATCH",
        body: new Uint8Array(600),
      });
      assert.equal(first.status, 202);
      // A body without Content-Length, so that the cap is found while streaming.
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new Uint8Array(300));
          controller.enqueue(new Uint8Array(300));
          controller.close();
        },
      });
      const second = await server.app.request(location, {
        method: "PATCH",
        body: stream,
        duplex: "half",
      } as RequestInit);
      assert.equal(second.status, 413);
      assert.equal((await second.json()).errors[0].code, "SIZE_INVALID");
      assert.equal((await server.app.request(location)).status, 404);
      assert.deepEqual(await fs.readDir(tmp), []);
      // Declared too large: refused before reading.
      const digest = `sha256:${"0".repeat(64)}`;
      const mono = await server.app.request(`/v2/app/blobs/uploads/?digest=${digest}`, {
        method: "POST",
        headers: { "content-length": "5000" },
        body: new Uint8Array(5000),
      });
      assert.equal(mono.status, 413);
      assert.deepEqual(await fs.readDir(tmp), []);
      assert.deepEqual(await runtimeParts(runtime).store.images(), []);
    } finally {
      server.close();
    }
  });

  describe("a client that goes away mid-upload", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "stevedore-edges-"));
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it("drops the upload and removes what it wrote", async () => {
      const runtime = await openRuntime({
        root: join(dir, "store"),
        env: {},
        homeDir: dir,
        uid: 1000,
        warn: () => {},
      });
      const server = await startServer({ listen: "127.0.0.1:0", runtime });
      const tmp = join(dir, "store", "tmp");
      try {
        const start = await fetch(`${server.url}/v2/app/blobs/uploads/`, { method: "POST" });
        await start.body?.cancel();
        const location = start.headers.get("location")!;
        const { hostname, port } = new URL(server.url);
        const socket = connect(Number(port), hostname);
        try {
          await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
          socket.write(
            `PATCH ${location} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
              `Content-Type: application/octet-stream\r\nContent-Length: 10000000\r\n\r\n`,
          );
          socket.write(new Uint8Array(256 * 1024));
          // The upload is staged in the store's tmp/ while bytes arrive...
          await eventually(
            async () => (await readdir(tmp)).some((name) => name.startsWith("upload-")),
            "a staged upload part in tmp/",
          );
        } finally {
          socket.destroy();
        }
        // ...and once the client is gone, the part is removed and the session dropped.
        await eventually(async () => (await readdir(tmp)).length === 0, "tmp/ emptied");
        const status = await fetch(`${server.url}${location}`);
        await status.body?.cancel();
        assert.equal(status.status, 404);
      } finally {
        await server.close();
      }
    });
  });
});

describe("POST /auth", () => {
  let runtime: Runtime;
  before(async () => {
    runtime = await memoryRuntime();
  });

  it("returns the token server's refresh token as IdentityToken, and refuses bad credentials", async () => {
    const registry = new TokenRegistry({ users: { alice: "wonderland" } });
    const server = createServerApp(runtime, { fetch: registry.fetch });
    try {
      const login = (body: unknown) =>
        server.app.request("/v1.47/auth", { method: "POST", body: JSON.stringify(body) });
      const ok = await login({
        username: "alice",
        password: "wonderland",
        serveraddress: registry.host,
      });
      assert.equal(ok.status, 200);
      const answer = await ok.json();
      assert.equal(answer.Status, "Login Succeeded");
      assert.notEqual(answer.IdentityToken, "");
      const tokenRequest = registry.seen(registry.authHost).at(-1)!;
      assert.equal(tokenRequest.url.searchParams.get("offline_token"), "true");
      assert.equal(tokenRequest.url.searchParams.get("account"), "alice");
      // The identity token logs in again, without the password.
      const again = await login({
        identitytoken: answer.IdentityToken,
        serveraddress: registry.host,
      });
      assert.equal(again.status, 200, await again.clone().text());
      const bad = await login({
        username: "alice",
        password: "nope",
        serveraddress: registry.host,
      });
      assert.equal(bad.status, 401);
      assert.match((await bad.json()).message, /login attempt to .* failed with status: 401/);
      const empty = await login({ serveraddress: registry.host });
      assert.equal(empty.status, 400);
    } finally {
      server.close();
    }
  });

  it("checks Basic credentials with GET /v2/", async () => {
    const registry = new TokenRegistry({ auth: "basic", users: { bob: "builder" } });
    const server = createServerApp(runtime, { fetch: registry.fetch });
    try {
      const login = (password: string) =>
        server.app.request("/auth", {
          method: "POST",
          body: JSON.stringify({
            username: "bob",
            password,
            serveraddress: `https://${registry.host}/`,
          }),
        });
      const ok = await login("builder");
      assert.equal(ok.status, 200);
      assert.deepEqual(await ok.json(), { Status: "Login Succeeded", IdentityToken: "" });
      assert.equal((await login("wrong")).status, 401);
    } finally {
      server.close();
    }
  });
});

describe("events of the Docker API", () => {
  it("name a save after what was asked for, a load and an import after their image", async () => {
    const fs = new MemoryFileSystem();
    const runtime = await memoryRuntime(fs);
    const server = createServerApp(runtime);
    try {
      const memory = memoryTransport();
      const image = randomImage({ layers: 1, layerSize: 256 });
      memory.store.add("x:y", image);
      await copyBetween(
        memory.parse("x:y"),
        containersStorageTransport(runtimeParts(runtime).store).parse("docker.io/library/app:v1"),
        { context: { fs } },
      );
      const saved = await server.app.request("/v1.47/images/get?names=app:v1");
      const archive = new Uint8Array(await saved.arrayBuffer());
      // Removed at once: the save event must not depend on the image still being there.
      assert.equal((await server.app.request("/images/app:v1", { method: "DELETE" })).status, 200);
      const loaded = await server.app.request("/images/load", { method: "POST", body: archive });
      assert.match(await loaded.text(), /Loaded image: app:v1/);
      const imported = await server.app.request("/images/create?fromSrc=-&repo=imp&tag=v2", {
        method: "POST",
        body: image.layers[0].tar as Uint8Array<ArrayBuffer>,
      });
      assert.match(await imported.text(), /sha256:/);
      const until = Math.floor(Date.now() / 1000);
      const events = (await (await server.app.request(`/events?since=0&until=${until}`)).text())
        .trim().split("\n").map((line) => JSON.parse(line));
      const named = events.map((e) => `${e.Action} ${e.Actor.Attributes.name}`);
      assert.ok(named.includes("save app:v1"), named.join(", "));
      assert.ok(named.includes("load app:v1"), named.join(", "));
      assert.ok(named.includes("import imp:v2"), named.join(", "));
      assert.ok(!named.some((n) => n.endsWith(" -")), named.join(", "));
    } finally {
      server.close();
    }
  });
});

describe("loopback registries", () => {
  it("are those on localhost, 127.0.0.0/8 and ::1", () => {
    for (
      const host of ["localhost:5000", "localhost", "127.0.0.1:5000", "127.1.2.3", "[::1]:5000"]
    ) {
      assert.equal(isLoopbackRegistry(host), true, host);
    }
    for (
      const host of [
        "registry.test",
        "10.0.0.1:5000",
        "127.0.0.256",
        "[::2]:5000",
        "localhost.evil.com",
      ]
    ) {
      assert.equal(isLoopbackRegistry(host), false, host);
    }
  });
});
