// The command line as a user sees it: a real child process against a real registry.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { repoRoot, runCli, shellCommand, storeFlags } from "./_cli.ts";

const ESC = "\x1b[";

describe("stevedore CLI", () => {
  let registry: RegistryServer;
  let dir: string;
  let conf: string;
  let env: Record<string, string>;
  let imageId: string;

  const cli = (...args: string[]) => runCli([...storeFlags(dir, conf), ...args], env);

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-"));
    conf = join(dir, "registries.conf");
    await writeFile(
      conf,
      `unqualified-search-registries = ["${registry.registry}"]\n[[registry]]\n` +
        `location = "${registry.registry}"\ninsecure = true\n`,
    );
    env = { HOME: dir, XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "config") };
    const memory = memoryTransport();
    for (const [tag, layerSize] of [["demo:v1", 200_000], ["other:v2", 1000]] as const) {
      const image = randomImage({ layers: 2, layerSize });
      memory.store.add(tag, image);
      await copyBetween(memory.parse(tag), `docker://${registry.registry}/${tag}`, {
        context: { fs: new NodeFileSystem(), tlsVerify: false },
      });
    }
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("prints help and rejects unknown flags and commands with exit code 125", () => {
    const help = cli("images", "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /Usage:\n {2}stevedore images/);
    assert.match(help.stdout, /--no-trunc/);
    const bad = cli("images", "--bogus");
    assert.equal(bad.code, 125);
    assert.equal(bad.stderr, "Error: unknown flag: --bogus\nSee 'stevedore images --help'\n");
    const unknown = cli("frobnicate");
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /^Error: .*frobnicate.*unrecognized command\n$/);
    const missing = cli("pull");
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /requires at least 1 argument/);
  });

  it("exits 125 on a broken registries.conf when a name must be resolved", async () => {
    const broken = join(dir, "broken.conf");
    await writeFile(broken, "unqualified-search-registries = [\n");
    const result = runCli(
      ["--root", join(dir, "root"), "--registries-conf", broken, "inspect", "alpine"],
      env,
    );
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^Error: Cannot read config ".*broken\.conf/);
  });

  it("pulls with plain progress when piped and prints the image ID", () => {
    const result = cli("pull", "demo:v1");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^[0-9a-f]{64}\n$/);
    imageId = result.stdout.trim();
    // Podman's piped lines: each layer once as it starts, then the config, no "done".
    assert.match(
      result.stderr,
      new RegExp(
        '^Resolving "demo" using unqualified-search registries \\(.*\\)\n' +
          "Trying to pull 127\\.0\\.0\\.1:\\d+/demo:v1\\.\\.\\.\nGetting image source signatures\n" +
          "(Copying blob sha256:[0-9a-f]{64}\n)+" +
          `Copying config sha256:${imageId}\n` +
          "Writing manifest to image destination\nStoring signatures\n$",
      ),
    );
    assert.ok(!result.stderr.includes(ESC), "no ANSI sequences when piped");
  });

  it("pulls quietly with -q", () => {
    const result = cli("pull", "-q", "--policy=always", "other:v2");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /^[0-9a-f]{64}\n$/);
    assert.equal(result.stderr, "");
  });

  it("rejects a bad pull policy and an unknown image with 125, as podman does", () => {
    const policy = cli("pull", "--policy", "sometimes", "demo:v1");
    assert.equal(policy.code, 125);
    assert.match(policy.stderr, /sometimes/);
    const missing = cli("pull", "-q", "nosuch:latest");
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /^Error: .*nosuch/);
    assert.equal(missing.stderr.split("\n").length, 2);
  });

  it("lists images as a table, JSON, IDs and templates", () => {
    const table = cli("images");
    assert.equal(table.code, 0, table.stderr);
    const lines = table.stdout.trimEnd().split("\n");
    assert.match(lines[0], /^REPOSITORY +TAG +IMAGE ID +CREATED +SIZE$/);
    const row = lines.find((line) => line.includes("/demo "));
    assert.ok(row, table.stdout);
    assert.match(
      row,
      new RegExp(`/demo +v1 +${imageId.slice(0, 12)} +\\d+ \\w+ ago +\\d+(\\.\\d+)? kB$`),
    );
    const json = JSON.parse(cli("images", "--format", "json").stdout);
    assert.equal(json.length, 2);
    const demo = json.find((image: { Id: string }) => image.Id === imageId);
    assert.deepEqual(demo.RepoTags, [`${registry.registry}/demo:v1`]);
    assert.equal(typeof demo.Size, "number");
    assert.equal(typeof demo.Created, "number");
    assert.match(demo.Digest, /^sha256:[0-9a-f]{64}$/);
    const ids = cli("images", "-q").stdout.trim().split("\n");
    assert.equal(ids.length, 2);
    assert.ok(ids.includes(imageId.slice(0, 12)));
    const names = cli("images", "--format", "{{.Repository}}:{{.Tag}}").stdout;
    assert.ok(names.includes(`${registry.registry}/demo:v1\n`));
    const custom = cli("images", "--format", "table {{.ID}}\\t{{.Size}}", "--noheading").stdout;
    assert.ok(!custom.includes("IMAGE ID"));
    const digests = cli("images", "--digests", "demo").stdout;
    assert.match(digests.split("\n")[0], /^REPOSITORY +TAG +DIGEST +IMAGE ID/);
    assert.equal(digests.trimEnd().split("\n").length, 2);
    const badFormat = cli("images", "--format", "{{.Nope}}");
    assert.equal(badFormat.code, 125);
  });

  it("tags, untags and inspects", () => {
    assert.equal(cli("tag", "demo:v1", "mine:latest").code, 0);
    const tagged = cli("images", "--format", "{{.Repository}}:{{.Tag}}").stdout;
    assert.match(tagged, /^localhost\/mine:latest$/m);
    const inspected = JSON.parse(cli("inspect", "mine").stdout);
    assert.equal(inspected[0].Id, imageId);
    assert.ok(inspected[0].RepoTags.includes("localhost/mine:latest"));
    assert.equal(cli("inspect", "--format", "{{.Id}}", "mine").stdout, imageId + "\n");
    assert.equal(cli("untag", "demo:v1", "localhost/mine:latest").code, 0);
    const missing = cli("inspect", "nosuch");
    assert.equal(missing.code, 125);
    assert.match(missing.stderr, /^Error: inspecting object: no such object: "nosuch"\n$/);
  });

  it("shows history and the layer tree", () => {
    const history = cli("history", "demo:v1");
    assert.equal(history.code, 0, history.stderr);
    assert.match(history.stdout, /^ID +CREATED +CREATED BY +SIZE +COMMENT/);
    const json = JSON.parse(cli("history", "--format", "json", "demo:v1").stdout);
    assert.equal(typeof json[0].size, "number");
    const tree = cli("image", "tree", "demo:v1");
    assert.equal(tree.code, 0, tree.stderr);
    assert.match(tree.stdout, new RegExp(imageId.slice(0, 12)));
  });

  it("redraws progress on a terminal", () => {
    const command = shellCommand([
      "--root",
      join(dir, "root-tty"),
      "--registries-conf",
      conf,
      "pull",
      "demo:v1",
    ]);
    const result = spawnSync("script", ["-qfec", command, "/dev/null"], {
      cwd: repoRoot,
      env: { ...env, PATH: process.env.PATH ?? "", TERM: "xterm" },
      encoding: "utf8",
      timeout: 120_000,
    });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    assert.ok(result.stdout.includes(`${ESC}2K`), "clear-line sequences");
    assert.ok(result.stdout.split(ESC).some((part) => /^\d+A/.test(part)), "cursor-up sequences");
    assert.match(result.stdout, /Copying blob [0-9a-f]{12} /);
    assert.match(result.stdout, /Copying config [0-9a-f]{12} /);
    assert.doesNotMatch(
      result.stdout,
      /Copying (blob|config) sha256:/,
      "no piped lines under bars",
    );
  });

  it("records events for later commands", () => {
    const events = cli("events", "--stream=false", "--filter", "event=pull");
    assert.equal(events.code, 0, events.stderr);
    assert.match(events.stdout, new RegExp(`image pull ${imageId} demo:v1`));
    const json = cli("events", "--stream=false", "--format", "json").stdout.trim().split("\n");
    assert.ok(json.map((line) => JSON.parse(line)).some((e) => e.Status === "tag"));
  });

  it("removes images: 1 for an unknown one, Untagged/Deleted lines otherwise", () => {
    const unknown = cli("rmi", "nosuch");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /^Error: .*nosuch/);
    assert.equal(cli("rmi", "-i", "nosuch").code, 0);
    const removed = cli("rmi", "other:v2");
    assert.equal(removed.code, 0, removed.stderr);
    assert.match(removed.stdout, /^Untagged: 127\.0\.0\.1:\d+\/other:v2\nDeleted: [0-9a-f]{64}\n$/);
    assert.equal(cli("images", "-q").stdout.trim().split("\n").length, 1);
    assert.equal(cli("image", "exists", "other:v2").code, 1);
    assert.equal(cli("image", "exists", "demo:v1").code, 0);
  });

  it("prints the version and info", () => {
    const version = cli("version");
    assert.match(version.stdout, /^Client: +stevedore\nVersion: +\d+\.\d+\.\d+/);
    const info = JSON.parse(cli("info", "--format", "json").stdout);
    assert.deepEqual(info.registries.search, [registry.registry]);
    assert.equal(info.store.graphRoot, join(dir, "root"));
  });
});

describe("stevedore login and logout", () => {
  let registry: RegistryServer;
  let dir: string;

  before(async () => {
    registry = await startRegistry({ auth: { username: "ann", password: "secret" } });
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-login-"));
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("checks the credentials, stores them and removes them", async () => {
    const authfile = join(dir, "auth.json");
    const env = { HOME: dir };
    const common = ["--authfile", authfile, "--tls-verify=false", registry.registry];
    const wrong = runCli(["login", "-u", "ann", "-p", "wrong", ...common], env);
    assert.equal(wrong.code, 125);
    assert.match(wrong.stderr, /^Error: .*invalid username\/password/);
    const good = runCli(["login", "-u", "ann", "--password-stdin", ...common], env, "secret\n");
    assert.equal(good.code, 0, good.stderr);
    assert.equal(good.stdout, "Login Succeeded!\n");
    const stored = JSON.parse(await readFile(authfile, "utf8"));
    assert.equal(stored.auths[registry.registry].auth, btoa("ann:secret"));
    const out = runCli(["logout", "--authfile", authfile, registry.registry], env);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout, `Removed login credentials for ${registry.registry}\n`);
    const again = runCli(["logout", "--authfile", authfile, registry.registry], env);
    assert.equal(again.code, 125);
  });
});

describe("stevedore push, save, load, import and search", () => {
  let registry: RegistryServer;
  let dir: string;
  let conf: string;
  const cli = (...args: string[]) => runCli([...storeFlags(dir, conf), ...args], { HOME: dir });

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-io-"));
    conf = join(dir, "registries.conf");
    await writeFile(
      conf,
      `unqualified-search-registries = ["${registry.registry}"]\n[[registry]]\n` +
        `location = "${registry.registry}"\ninsecure = true\n`,
    );
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("imports a tarball, saves, loads, pushes and searches", async () => {
    const { tarOf } = await import("../helpers/random_image.ts");
    const tarball = join(dir, "rootfs.tar");
    await writeFile(tarball, tarOf("hello.txt", new TextEncoder().encode("hi\n")));
    const imported = cli("import", "-q", tarball, "imported:1");
    assert.equal(imported.code, 0, imported.stderr);
    assert.match(imported.stdout, /^[0-9a-f]{64}\n$/);
    const id = imported.stdout.trim();
    const archive = join(dir, "saved.tar");
    const saved = cli("save", "-o", archive, "imported:1");
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal(cli("rmi", "imported:1").code, 0);
    const loaded = cli("load", "-i", archive);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(loaded.stdout, "Loaded image: localhost/imported:1\n");
    assert.equal(cli("images", "-q", "--no-trunc").stdout, `sha256:${id}\n`);
    const badFormat = cli("save", "--format", "zip", "-o", archive, "imported:1");
    assert.equal(badFormat.code, 125);
    const badLevel = cli(
      "push",
      "--compression-level",
      "10",
      "imported:1",
      `${registry.registry}/x:1`,
    );
    assert.equal(badLevel.code, 125);
    assert.match(badLevel.stderr, /--compression-level=10.*0 to 9/);
    // The imported layer is stored uncompressed: the push compresses it, at level 1.
    const pushed = cli(
      "push",
      "--compression-level",
      "1",
      "imported:1",
      `${registry.registry}/pushed:v1`,
    );
    assert.equal(pushed.code, 0, pushed.stderr);
    assert.match(pushed.stderr, /Writing manifest to image destination\nStoring signatures\n$/);
    const tags = cli("search", "--list-tags", "--format", "json", `${registry.registry}/pushed`);
    assert.equal(tags.code, 0, tags.stderr);
    assert.deepEqual(JSON.parse(tags.stdout).map((r: { Tag: string }) => r.Tag), ["v1"]);
    const missing = cli("push", "nosuch:1", `${registry.registry}/x:1`);
    assert.equal(missing.code, 125);
  });
});
