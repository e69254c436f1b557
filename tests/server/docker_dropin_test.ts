// The docker client (28, no engine) drives the stevedore server as it would drive dockerd:
// version, login, pull from a plain-HTTP loopback registry with no configuration, images,
// tag, inspect, history, save, rmi, load, import, push, search, image prune, system df and
// events. The registry is the real CNCF one behind htpasswd. Without a docker client this
// file says so and skips; everything else in the suite still runs.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Runtime } from "../../src/runtime/mod.ts";
import { type RunningServer, startServer } from "../../src/server/mod.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { DOCKER_BIN, pushWithSkopeo, type Run, run } from "./_server_env.ts";

const USER = "dockeruser";
const PASSWORD = "dr0p-in-pass";
const haveDocker = existsSync(DOCKER_BIN);
if (!haveDocker) console.log(`docker client not found at ${DOCKER_BIN}: skipping the drop-in test`);

let registry: RegistryServer;
let dir: string;
let runtime: Runtime;
let server: RunningServer;
let image: RandomImage;
/** The manifest digest of app:v1 in the registry. */
let digest: string;
/** `localhost:PORT`: a loopback registry name, as users type it. */
let host: string;

function docker(args: string[], input?: Uint8Array): Promise<Run> {
  return run(DOCKER_BIN, args, {
    PATH: "/usr/local/bin:/usr/bin:/bin",
    HOME: dir,
    DOCKER_HOST: server.url.replace(/^http:\/\//, "tcp://"),
    DOCKER_CONFIG: join(dir, "docker-config"),
  }, input);
}

/** Lists a repository's tags straight from the registry (with the test's credentials). */
async function registryTags(repository: string): Promise<string[]> {
  const response = await fetch(`${registry.url}/v2/${repository}/tags/list`, {
    headers: { authorization: `Basic ${btoa(`${USER}:${PASSWORD}`)}` },
  });
  if (response.status === 404) return [];
  return ((await response.json()) as { tags: string[] }).tags ?? [];
}

describe(
  "docker client drop-in",
  { skip: haveDocker ? false : "docker client not installed" },
  () => {
    before(async () => {
      registry = await startRegistry({ auth: { username: USER, password: PASSWORD } });
      host = registry.registry.replace("127.0.0.1", "localhost");
      dir = await mkdtemp(join(tmpdir(), "stevedore-dropin-"));
      image = randomImage({ layers: 2, layerSize: 400, mediaTypes: "docker" });
      digest = await pushWithSkopeo(
        image,
        `${registry.registry}/app:v1`,
        { username: USER, password: PASSWORD },
        dir,
      );
      // No registries.conf entry for the registry: it is insecure only by being on loopback.
      const conf = join(dir, "registries.conf");
      await writeFile(conf, "unqualified-search-registries = []\n");
      runtime = await Runtime.open({
        root: join(dir, "store"),
        registriesConf: conf,
        env: {},
        homeDir: dir,
        uid: 1000,
        hostPlatform: { os: "linux", architecture: "amd64" },
        warn: () => {},
      });
      server = await startServer({ listen: "127.0.0.1:0", runtime });
    });

    after(async () => {
      await server?.close();
      await registry?.stop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it("docker version", async () => {
      const result = await docker(["version", "--format", "{{.Server.APIVersion}}"]);
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stdout.trim(), "1.47");
    });

    it("docker login: checked against the registry, refused with a wrong password", async () => {
      const wrong = await docker(
        ["login", host, "-u", USER, "--password-stdin"],
        new TextEncoder().encode("wrong-password\n"),
      );
      assert.notEqual(wrong.code, 0, wrong.stdout);
      assert.match(wrong.stderr, /401/);
      const right = await docker(
        ["login", host, "-u", USER, "--password-stdin"],
        new TextEncoder().encode(`${PASSWORD}\n`),
      );
      assert.equal(right.code, 0, right.stderr);
      assert.match(right.stdout, /Login Succeeded/);
      const config = JSON.parse(await readFile(join(dir, "docker-config", "config.json"), "utf8"));
      assert.ok(config.auths[host], JSON.stringify(config));
    });

    it("docker pull from a plain-HTTP loopback registry, no extra flags", async () => {
      const result = await docker(["pull", `${host}/app:v1`]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^v1: Pulling from app$/m);
      assert.match(result.stdout, new RegExp(`^Digest: ${digest}$`, "m"));
      assert.match(result.stdout, new RegExp(`Status: Downloaded newer image for ${host}/app:v1`));
      // One progress row per layer; the config blob is not a layer.
      const ids = new Set(
        [...result.stdout.matchAll(/^([0-9a-f]{12}): Pull complete$/gm)].map((m) => m[1]),
      );
      assert.deepEqual(ids, new Set(image.layers.map((l) => l.digest.slice(7, 19))));
      assert.doesNotMatch(result.stdout, new RegExp(image.config.digest.slice(7, 19)));
    });

    it("docker images, tag, inspect, history", async () => {
      const images = await docker(["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}"]);
      assert.equal(images.code, 0, images.stderr);
      assert.equal(images.stdout.trim(), `${host}/app:v1 ${image.config.digest.slice(7, 19)}`);
      assert.equal((await docker(["tag", `${host}/app:v1`, `${host}/pushed:v2`])).code, 0);
      const inspect = await docker(["image", "inspect", `${host}/pushed:v2`]);
      assert.equal(inspect.code, 0, inspect.stderr);
      const [data] = JSON.parse(inspect.stdout);
      assert.equal(data.Id, image.config.digest);
      assert.deepEqual(data.RepoTags.sort(), [`${host}/app:v1`, `${host}/pushed:v2`].sort());
      const history = await docker(["history", `${host}/app:v1`]);
      assert.equal(history.code, 0, history.stderr);
      assert.match(history.stdout, /^IMAGE\s+CREATED\s+CREATED BY\s+SIZE\s+COMMENT/);
    });

    it("docker push with the login's credentials, with progress", async () => {
      const result = await docker(["push", `${host}/pushed:v2`]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(
        result.stdout,
        new RegExp(`^The push refers to repository \\[${host}/pushed\\]$`, "m"),
      );
      const pushed = [
        ...result.stdout.matchAll(/^([0-9a-f]{12}): (Pushed|Layer already exists)$/gm),
      ];
      assert.deepEqual(
        new Set(pushed.map((m) => m[1])),
        new Set(image.layers.map((l) => l.digest.slice(7, 19))),
      );
      assert.match(result.stdout, /^v2: digest: sha256:[0-9a-f]{64} size: \d+$/m);
      assert.deepEqual(await registryTags("pushed"), ["v2"]);
      // Without a tag (--all-tags), every local tag of the repository goes.
      assert.equal((await docker(["tag", `${host}/app:v1`, `${host}/pushed:v3`])).code, 0);
      const all = await docker(["push", "--all-tags", `${host}/pushed`]);
      assert.equal(all.code, 0, all.stderr);
      assert.match(all.stdout, /^v2: digest: /m);
      assert.match(all.stdout, /^v3: digest: /m);
      assert.deepEqual(await registryTags("pushed"), ["v2", "v3"]);
      assert.equal((await docker(["rmi", `${host}/pushed:v3`])).code, 0);
    });

    it("docker push of an image that does not exist", async () => {
      const result = await docker(["push", `${host}/nothing:v1`]);
      assert.notEqual(result.code, 0);
      assert.match(result.stderr, /No such image: .*nothing:v1/);
    });

    it("docker save, rmi, load, import", async () => {
      const tar = join(dir, "saved.tar");
      const save = await docker(["save", "-o", tar, `${host}/app:v1`]);
      assert.equal(save.code, 0, save.stderr);
      const rmi = await docker(["rmi", `${host}/app:v1`, `${host}/pushed:v2`]);
      assert.equal(rmi.code, 0, rmi.stderr);
      assert.match(rmi.stdout, new RegExp(`^Deleted: ${image.config.digest}$`, "m"));
      const load = await docker(["load", "-i", tar]);
      assert.equal(load.code, 0, load.stderr);
      assert.equal(load.stdout.trim(), `Loaded image: ${host}/app:v1`);
      const imported = await docker(["import", tar, "imported:v1"]);
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout.trim(), /^sha256:[0-9a-f]{64}$/);
    });

    it("docker search", async () => {
      // The stevedore server itself is a loopback registry with a v1 search over its store
      // (plain HTTP, allowed on loopback as dockerd allows it).
      assert.equal((await docker(["tag", "imported:v1", "searchable:v1"])).code, 0);
      const self = new URL(server.url).host;
      const found = await docker(["search", "--format", "{{.Name}}", `${self}/searchable`]);
      assert.equal(found.code, 0, found.stderr);
      assert.equal(found.stdout.trim(), `${self}/docker.io/library/searchable`);
      assert.equal((await docker(["rmi", "searchable:v1", "imported:v1"])).code, 0);
    });

    it("docker image prune", async () => {
      const result = await docker(["image", "prune", "-f"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /Total reclaimed space:/);
    });

    it("docker system df", async () => {
      const result = await docker(["system", "df"]);
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/m);
      assert.match(result.stdout, /^Images\s+1\s+0\s+\S+\s+\S+ \(100%\)$/m);
      const verbose = await docker(["system", "df", "-v", "--format", "{{json .}}"]);
      assert.equal(verbose.code, 0, verbose.stderr);
      const data = JSON.parse(verbose.stdout);
      assert.equal(data.Images.length, 1);
      assert.equal(data.Images[0].Repository, `${host}/app`);
    });

    it("docker events: pull, tag, push, save, delete, load, import", async () => {
      const result = await docker(["events", "--since", "10m", "--until", "0s"]);
      assert.equal(result.code, 0, result.stderr);
      const out = result.stdout;
      const id = image.config.digest;
      assert.match(out, new RegExp(`image pull ${host}/app:v1 \\(name=${host}/app\\)`));
      assert.match(out, new RegExp(`image tag ${id} \\(name=${host}/pushed:v2\\)`));
      assert.match(out, new RegExp(`image push ${host}/pushed:v2 \\(name=${host}/pushed\\)`));
      assert.match(out, new RegExp(`image save ${id} \\(name=${host}/app:v1\\)`));
      assert.match(out, new RegExp(`image delete ${id} `));
      assert.match(out, new RegExp(`image load ${id} \\(name=${host}/app:v1\\)`));
      assert.match(out, /image import sha256:[0-9a-f]{64} \(name=imported:v1\)/);
      assert.doesNotMatch(out, /name=-\)/);
    });

    it("leaves no upload or temporary file in the store", async () => {
      assert.deepEqual(await readdir(join(dir, "store", "tmp")), []);
    });
  },
);
