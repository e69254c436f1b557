// `docker search` end to end: the docker client asks our server, whose runtime asks a
// registry that speaks the v1 search API (our own distribution endpoint on 127.0.0.1).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { listenHttp } from "../../src/fs/http_listen.ts";
import type { HttpListener } from "../../src/fs/http_listen.ts";
import { Runtime } from "../../src/runtime/mod.ts";
import { type RunningServer, startServer } from "../../src/server/mod.ts";
import { distributionApp, MemoryRegistryStorage } from "../../src/server/distribution/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { DOCKER_BIN, run } from "./_server_env.ts";

let dir: string;
let registry: HttpListener;
let runtime: Runtime;
let server: RunningServer;
let registryHost: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevedore-search-"));
  registry = await listenHttp(distributionApp(new MemoryRegistryStorage()).fetch, {
    hostname: "127.0.0.1",
    port: 0,
  });
  registryHost = new URL(registry.url).host;
  const memory = memoryTransport();
  for (const name of ["team/app:v1", "team/application:v1", "team/tool:v1"]) {
    memory.store.add(name, randomImage({ layers: 1, layerSize: 100 }));
    await copyBetween(memory.parse(name), `docker://${registryHost}/${name}`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  }
  const conf = join(dir, "registries.conf");
  await writeFile(conf, `[[registry]]\nlocation = "${registryHost}"\ninsecure = true\n`);
  runtime = await Runtime.open({
    root: join(dir, "store"),
    registriesConf: conf,
    registriesConfDir: "",
    env: {},
    homeDir: dir,
    uid: 1000,
    warn: () => {},
  });
  server = await startServer({ listen: "127.0.0.1:0", runtime });
});

after(async () => {
  await server?.close();
  await runtime?.close();
  await registry?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("docker search", () => {
  it("lists the matching repositories of the registry named in the term", async () => {
    const result = await run(DOCKER_BIN, ["search", `${registryHost}/app`], {
      PATH: "/usr/local/bin:/usr/bin:/bin",
      HOME: dir,
      DOCKER_HOST: server.url.replace(/^http:\/\//, "tcp://"),
      DOCKER_CONFIG: join(dir, "docker-config"),
    });
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.match(lines[0], /^NAME\s+DESCRIPTION\s+STARS\s+OFFICIAL/);
    const names = lines.slice(1).map((line) => line.split(/\s+/)[0]).sort();
    assert.deepEqual(names, [`${registryHost}/team/app`, `${registryHost}/team/application`]);
  });
});
