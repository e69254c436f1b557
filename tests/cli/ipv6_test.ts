// A registry named by a bracketed IPv6 address ([::1]:PORT): login, pull, push and search
// through the real command line against the real distribution registry listening on ::1.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { createDockerTransport } from "../../src/transports/docker/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { runCli } from "./_cli.ts";

const USER = { username: "v6user", password: "v6secret" };

describe("an IPv6 registry ([::1]:PORT)", () => {
  let registry: RegistryServer;
  let dir: string;
  let authfile: string;
  let conf: string;
  let image: RandomImage;

  const cli = (...args: string[]) =>
    runCli(["--root", join(dir, "root"), "--registries-conf", conf, ...args], { HOME: dir });

  before(async () => {
    registry = await startRegistry({ address: "::1", auth: USER });
    assert.match(registry.registry, /^\[::1\]:\d+$/);
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-ipv6-"));
    authfile = join(dir, "auth.json");
    conf = join(dir, "registries.conf");
    await writeFile(conf, "");
    image = randomImage({ layers: 2, layerSize: 2048 });
    const memory = memoryTransport();
    memory.store.add("app", image);
    const transport = createDockerTransport({ credentials: USER });
    await copyBetween(memory.parse("app"), transport.parse(`//${registry.registry}/v6/app:1`), {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("logs in, pulls, pushes and searches", async () => {
    const host = registry.registry;
    const common = ["--authfile", authfile, "--tls-verify=false"];

    const login = cli("login", ...common, "-u", USER.username, "-p", USER.password, host);
    assert.equal(login.code, 0, login.stderr);
    assert.equal(login.stdout, "Login Succeeded!\n");
    const stored = JSON.parse(await readFile(authfile, "utf8"));
    assert.equal(stored.auths[host].auth, btoa(`${USER.username}:${USER.password}`));

    const pull = cli("pull", ...common, `${host}/v6/app:1`);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `${image.config.digest.slice("sha256:".length)}\n`);
    const images = cli("images", "--format", "{{.Repository}}:{{.Tag}}");
    assert.equal(images.code, 0, images.stderr);
    assert.equal(images.stdout, `${host}/v6/app:1\n`);

    const push = cli("push", ...common, `${host}/v6/app:1`, `${host}/v6/copy:2`);
    assert.equal(push.code, 0, push.stderr);
    const client = new RegistryClient({ registry: host, insecure: true, credentials: USER });
    const pushed = await client.getManifest("v6/copy", "2");
    const original = await client.getManifest("v6/app", "1");
    assert.equal(pushed.digest, original.digest);

    const search = cli("search", ...common, "--format", "{{.Name}}", `${host}/v6`);
    assert.equal(search.code, 0, search.stderr);
    assert.equal(search.stdout, `${host}/v6/app\n${host}/v6/copy\n`);
  });

  it("refuses a store specification but not an IPv6 registry", () => {
    const spec = cli("pull", "containers-storage:[vfs@/tmp/x]app");
    assert.notEqual(spec.code, 0);
    assert.match(spec.stderr, /store specifications/);
    const missing = cli(
      "pull",
      "--tls-verify=false",
      "--retry=0",
      `${registry.registry}/v6/none:1`,
    );
    assert.notEqual(missing.code, 0);
    assert.doesNotMatch(missing.stderr, /store specifications/);
  });
});
