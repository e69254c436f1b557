// The real `docker` client (no engine) against the stevedore server, over TCP and a Unix
// socket, with images pulled from a real distribution registry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { startServer } from "../../src/server/mod.ts";
import { type ServerEnv, startServerEnv } from "./_server_env.ts";

let env: ServerEnv;
let app: string;

before(async () => {
  env = await startServerEnv();
  app = `${env.registry.registry}/app:v1`;
});

after(async () => {
  await env?.stop();
});

describe("docker client", () => {
  it("negotiates the API version (docker version)", async () => {
    const result = await env.docker(["version", "--format", "{{.Server.APIVersion}}"]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout.trim(), "1.47");
  });

  it("pulls with progress (docker pull)", async () => {
    const result = await env.docker(["pull", app]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^v1: Pulling from app$/m);
    assert.match(result.stdout, /Pull complete/);
    assert.match(result.stdout, new RegExp(`^Digest: ${env.images.app.manifest.digest}$`, "m"));
    assert.match(result.stdout, new RegExp(`Status: Downloaded newer image for ${app}`));
    const again = await env.docker(["pull", app]);
    assert.match(again.stdout, /Status: Image is up to date/);
  });

  it("reports a failed pull", async () => {
    const result = await env.docker(["pull", `${env.registry.registry}/missing:v1`]);
    assert.notEqual(result.code, 0);
    assert.match(result.stdout + result.stderr, /missing:v1/);
  });

  it("lists images (docker images)", async () => {
    const result = await env.docker(["images"]);
    assert.equal(result.code, 0, result.stderr);
    const lines = result.stdout.trim().split("\n");
    assert.match(lines[0], /^REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    const id = env.images.app.config.digest.slice(7, 19);
    assert.match(lines[1], new RegExp(`^${env.registry.registry}/app\\s+v1\\s+${id}\\s`));
  });

  it("tags, inspects, shows history and removes (tag, inspect, history, rmi)", async () => {
    assert.equal((await env.docker(["tag", app, "myapp:v2"])).code, 0);
    const inspect = await env.docker(["image", "inspect", "myapp:v2"]);
    assert.equal(inspect.code, 0, inspect.stderr);
    const [data] = JSON.parse(inspect.stdout);
    assert.equal(data.Id, env.images.app.config.digest);
    assert.deepEqual(data.RepoTags.sort(), [app, "myapp:v2"].sort());
    const format = await env.docker(["image", "inspect", "-f", "{{.Os}}/{{.Architecture}}", app]);
    assert.equal(format.stdout.trim(), "linux/amd64");
    const history = await env.docker(["history", "myapp:v2"]);
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/);
    assert.match(history.stdout, /step 1/);
    const rmi = await env.docker(["rmi", "myapp:v2"]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.equal(rmi.stdout.trim(), "Untagged: myapp:v2");
    const missing = await env.docker(["image", "inspect", "myapp:v2"]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /No such image: myapp:v2/);
  });

  it("removes an image with its layers (docker rmi)", async () => {
    const other = `${env.registry.registry}/other:latest`;
    assert.equal((await env.docker(["pull", "-q", other])).code, 0);
    const rmi = await env.docker(["rmi", other]);
    assert.equal(rmi.code, 0, rmi.stderr);
    assert.match(rmi.stdout, new RegExp(`^Untagged: ${other}$`, "m"));
    assert.match(rmi.stdout, new RegExp(`^Deleted: ${env.images.other.config.digest}$`, "m"));
  });

  it("prunes (docker image prune)", async () => {
    const result = await env.docker(["image", "prune", "-f"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /Total reclaimed space: 0B/);
  });

  it("shows image events (docker events)", async () => {
    const result = await env.docker(["events", "--since", "10m", "--until", "0s"]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`image pull ${app} \\(name=`));
    assert.match(result.stdout, /image tag sha256:[0-9a-f]{64} \(name=myapp:v2\)/);
    assert.match(result.stdout, /image delete sha256:/);
  });

  it("saves, loads and imports (docker save, load, import)", async () => {
    const tar = join(env.dir, "saved.tar");
    const save = await env.docker(["save", "-o", tar, app]);
    assert.equal(save.code, 0, save.stderr);
    assert.equal((await env.docker(["rmi", app])).code, 0);
    const load = await env.docker(["load", "-i", tar]);
    assert.equal(load.code, 0, load.stderr);
    assert.equal(load.stdout.trim(), `Loaded image: ${app}`);
    const imported = await env.docker(["import", tar, "imported:v1"]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    const list = await env.docker(["images", "--format", "{{.Repository}}:{{.Tag}}"]);
    assert.deepEqual(list.stdout.trim().split("\n").sort(), [app, "imported:v1"]);
    assert.equal((await env.docker(["rmi", "imported:v1"])).code, 0);
  });

  it("searches the catalog of a registry without a search API (docker search)", async () => {
    const result = await env.docker([
      "search",
      "--format",
      "{{.Name}}",
      `${env.registry.registry}/app`,
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, new RegExp(`^${env.registry.registry}/app$`, "m"));
  });

  it("answers 501 for containers (docker ps)", async () => {
    const result = await env.docker(["ps"]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /not implemented/);
  });

  it("reaches the server over a Unix socket", async () => {
    const socket = join(env.dir, "stevedore.sock");
    const server = await startServer({ listen: `unix://${socket}`, runtime: env.runtime });
    try {
      const result = await env.docker(["images", "--format", "{{.Repository}}:{{.Tag}}"], {
        env: { DOCKER_HOST: `unix://${socket}` },
      });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), app);
    } finally {
      await server.close();
    }
  });

  it("sends the token through HttpHeaders in the docker config", async () => {
    const token = "docker-client-token";
    const server = await startServer({ listen: "127.0.0.1:0", runtime: env.runtime, token });
    const host = server.url.replace("http://", "tcp://");
    try {
      const denied = await env.docker(["images"], { env: { DOCKER_HOST: host } });
      assert.notEqual(denied.code, 0);
      const config = join(env.dir, "docker-token-config");
      await mkdir(config, { recursive: true });
      await writeFile(
        join(config, "config.json"),
        JSON.stringify({ HttpHeaders: { Authorization: `Bearer ${token}` } }),
      );
      const allowed = await env.docker(["images", "-q"], {
        env: { DOCKER_HOST: host, DOCKER_CONFIG: config },
      });
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.equal(allowed.stdout.trim(), env.images.app.config.digest.slice(7, 19));
    } finally {
      await server.close();
    }
  });
});
