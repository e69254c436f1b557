// server.ts (and `stevedore serve`) as a user starts them: the token from a file or the
// environment (a token in argv works but warns), the loopback rule as exit code 125, and
// the same configuration as the CLI: REGISTRY_AUTH_FILE / --authfile and
// CONTAINERS_REGISTRIES_CONF / --registries-conf.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { resolveServerToken } from "../../src/server/mod.ts";
import { runCli } from "../cli/_cli.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { pushWithSkopeo } from "./_server_env.ts";
import { type ServerProcess, startServerProcess } from "./_server_process.ts";

const TOKEN = "file-token-0123456789";
let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevedore-server-process-"));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function withServer(
  args: string[],
  env: Record<string, string>,
  body: (server: ServerProcess) => Promise<void>,
): Promise<void> {
  const server = await startServerProcess(["--listen", "127.0.0.1:0", ...args], {
    HOME: dir,
    STEVEDORE_ROOT: join(dir, "store"),
    ...env,
  });
  try {
    assert.ok(server.url, `server.ts did not start: ${server.stderr()}`);
    await body(server);
  } finally {
    await server.stop();
  }
}

async function status(url: string, token?: string): Promise<number> {
  const response = await fetch(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  await response.body?.cancel();
  return response.status;
}

describe("the server token", () => {
  it("is read from --token-file, without a warning", async () => {
    const file = join(dir, "token");
    await writeFile(file, `${TOKEN}\n`, { mode: 0o600 });
    await withServer(["--token-file", file], {}, async (server) => {
      assert.equal(await status(`${server.url}/_ping`), 401);
      assert.equal(await status(`${server.url}/_ping`, TOKEN), 200);
      assert.doesNotMatch(server.stderr(), /WARNING/);
    });
  });

  it("is read from $STEVEDORE_SERVER_TOKEN", async () => {
    await withServer([], { STEVEDORE_SERVER_TOKEN: TOKEN }, async (server) => {
      assert.equal(await status(`${server.url}/_ping`), 401);
      assert.equal(await status(`${server.url}/_ping`, TOKEN), 200);
    });
  });

  it("given in argv works, with a warning that ps shows it", async () => {
    await withServer(["--token", TOKEN], {}, async (server) => {
      assert.equal(await status(`${server.url}/_ping`, TOKEN), 200);
      assert.match(server.stderr(), /WARNING: .*--token.* visible .*ps.*--token-file/);
    });
  });

  it("refuses both flags, and an empty or multi-line file", async () => {
    const fs = new NodeFileSystem();
    const empty = join(dir, "empty");
    await writeFile(empty, "\n");
    await assert.rejects(
      resolveServerToken({ token: TOKEN, tokenFile: empty, env: {}, fs }),
      /cannot be used with --token-file/,
    );
    await assert.rejects(resolveServerToken({ tokenFile: empty, env: {}, fs }), /one line/);
    await assert.rejects(
      resolveServerToken({ tokenFile: join(dir, "missing"), env: {}, fs }),
      /cannot read it/,
    );
  });
});

describe("a non-loopback listen address without a token", () => {
  it("makes server.ts exit 125 with a clear message", async () => {
    const server = await startServerProcess(["--listen", "0.0.0.0:0"], {
      HOME: dir,
      STEVEDORE_ROOT: join(dir, "store"),
    });
    await server.stop();
    assert.equal(server.code, 125, server.stderr());
    assert.match(server.stderr(), /0\.0\.0\.0:0.*refusing .*beyond loopback without a token/);
  });

  it("makes `stevedore serve` exit 125", () => {
    const result = runCli(["--root", join(dir, "store"), "serve", "--listen", "0.0.0.0:0"], {
      HOME: dir,
    });
    assert.equal(result.code, 125, result.stderr);
    assert.match(result.stderr, /refusing .*beyond loopback without a token/);
  });
});

describe("the configuration of the CLI", () => {
  let registry: RegistryServer;
  const user = { username: "envuser", password: "env-pass-123" };
  before(async () => {
    registry = await startRegistry({ auth: user });
    await pushWithSkopeo(
      randomImage({ layers: 1, layerSize: 300 }),
      `${registry.registry}/app:v1`,
      user,
      dir,
    );
    await writeFile(
      join(dir, "auth.json"),
      JSON.stringify({
        auths: { [registry.registry]: { auth: btoa(`${user.username}:${user.password}`) } },
      }),
    );
    await writeFile(
      join(dir, "blocked.conf"),
      `[[registry]]\nlocation = "${registry.registry}"\nblocked = true\n`,
    );
  });
  after(async () => {
    await registry?.stop();
  });

  /** Pulls app:v1 through the Docker API; resolves with the last progress message. */
  async function pull(url: string): Promise<string> {
    const response = await fetch(
      `${url}/v1.47/images/create?fromImage=${registry.registry}/app&tag=v1`,
      { method: "POST" },
    );
    const lines = (await response.text()).trim().split("\n");
    return lines.at(-1) ?? "";
  }

  it("reads credentials from REGISTRY_AUTH_FILE and --authfile", async () => {
    await withServer([], {}, async (server) => {
      assert.match(await pull(server.url!), /error/i);
    });
    const authFile = join(dir, "auth.json");
    await withServer([], { REGISTRY_AUTH_FILE: authFile }, async (server) => {
      assert.match(await pull(server.url!), /Status: Downloaded newer image/);
    });
    await rm(join(dir, "store"), { recursive: true, force: true });
    await withServer(["--authfile", authFile], {}, async (server) => {
      assert.match(await pull(server.url!), /Status: Downloaded newer image/);
    });
  });

  it("reads registries.conf from CONTAINERS_REGISTRIES_CONF and --registries-conf", async () => {
    const conf = join(dir, "blocked.conf");
    const authFile = join(dir, "auth.json");
    await withServer(
      [],
      { CONTAINERS_REGISTRIES_CONF: conf, REGISTRY_AUTH_FILE: authFile },
      async (server) => {
        assert.match(await pull(server.url!), /blocked/);
      },
    );
    await withServer(
      ["--registries-conf", conf],
      { REGISTRY_AUTH_FILE: authFile },
      async (server) => {
        assert.match(await pull(server.url!), /blocked/);
      },
    );
  });
});
