// The command line the README gives is the bundle in dist/ (`node dist/cli.js`,
// `deno run -A dist/cli.js`, `bun dist/cli.js`; built by `npm install` through
// scripts/build_dist.mjs), not the TypeScript the other CLI tests run: its chunks must load
// for every command, and a pull into the store must work end to end, on the runtime the
// suite runs on.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { COMMANDS } from "../../src/cli/_commands.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { type CliResult, repoRoot, testRuntime } from "./_cli.ts";

const BUNDLE = join(repoRoot, "dist", "cli.js");

/** How the README runs the bundle on the runtime the tests run on. */
function bundleCommand(): [string, string[]] {
  const bin = (name: string) => join(repoRoot, "node_modules", ".bin", name);
  switch (testRuntime()) {
    case "deno":
      return [bin("deno"), ["run", "-A"]];
    case "bun":
      return [bin("bun"), []];
    default:
      return ["node", []];
  }
}

describe("the built command line (dist/cli.js)", () => {
  let registry: RegistryServer;
  let dir: string;
  let env: Record<string, string>;

  const run = (...args: string[]): CliResult => {
    const [command, lead] = bundleCommand();
    const result = spawnSync(command, [...lead, BUNDLE, ...args], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", ...env },
      encoding: "utf8",
      timeout: 120_000,
    });
    return { code: result.status ?? -1, stdout: result.stdout ?? "", stderr: result.stderr ?? "" };
  };
  const store = (...args: string[]) =>
    run("--root", join(dir, "root"), "--registries-conf", join(dir, "registries.conf"), ...args);

  before(async () => {
    assert.ok(existsSync(BUNDLE), `${BUNDLE} is missing: run \`npm run build\``);
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-dist-cli-"));
    env = { HOME: dir, XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "config") };
    await writeFile(
      join(dir, "registries.conf"),
      `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`,
    );
    const memory = memoryTransport();
    memory.store.add("app:v1", randomImage({ layers: 3, layerSize: 50_000 }));
    await copyBetween(memory.parse("app:v1"), `docker://${registry.registry}/team/app:v1`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  });
  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("loads every command's chunk (its help)", () => {
    for (const words of Object.keys(COMMANDS)) {
      const result = run(...words.split(" "), "--help");
      assert.equal(result.code, 0, `${words}: ${result.stderr}`);
      assert.match(result.stdout, /Usage:/, words);
    }
  });

  it("pulls, lists, inspects, saves, removes, loads and pushes", () => {
    assert.match(run("version").stdout, /^Client: {7}stevedore\n/);
    const empty = store("images");
    assert.equal(empty.code, 0, empty.stderr);
    assert.equal(empty.stdout, "REPOSITORY  TAG         IMAGE ID    CREATED     SIZE\n");
    const name = `${registry.registry}/team/app:v1`;
    const pulled = store("pull", "-q", name);
    assert.equal(pulled.code, 0, pulled.stderr);
    const id = pulled.stdout.trim();
    assert.match(id, /^[0-9a-f]{64}$/);
    const listed = store("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
    assert.equal(listed.stdout, `${registry.registry}/team/app:v1 ${id.slice(0, 12)}\n`);
    const inspected = store("inspect", name);
    assert.equal(inspected.code, 0, inspected.stderr);
    assert.equal(JSON.parse(inspected.stdout)[0].Id, id);
    const archive = join(dir, "app.tar");
    const saved = store("save", "-o", archive, name);
    assert.equal(saved.code, 0, saved.stderr);
    const removed = store("rmi", name);
    assert.equal(removed.code, 0, removed.stderr);
    assert.equal(store("images", "-q").stdout, "");
    const loaded = store("load", "-i", archive);
    assert.equal(loaded.code, 0, loaded.stderr);
    assert.equal(store("images", "-q").stdout, `${id.slice(0, 12)}\n`);
    const pushed = store("push", name, `${registry.registry}/team/copy:v1`);
    assert.equal(pushed.code, 0, pushed.stderr);
  });

  it("imports no Node module loader or worker threads in the chunks a pull loads", async () => {
    // fflate's Node build does, at import (~10 ms of a Deno process); the browser build is
    // bundled instead. The signature chunk (openpgp, loaded only to sign or verify) may.
    const chunks = join(repoRoot, "dist", "cli-chunks");
    const names = (await readdir(chunks)).filter((name) => /^(cli|core|pull)-.*\.js$/.test(name));
    assert.equal(names.length, 3, names.join(", "));
    for (const name of [...names.map((name) => join(chunks, name)), BUNDLE]) {
      const code = await readFile(name, "utf8");
      assert.doesNotMatch(code, /from ['"](node:)?(module|worker_threads)['"]/, name);
      assert.doesNotMatch(code, /require\$?\d*\(['"](node:)?worker_threads['"]\)/, name);
    }
  });

  it("leaves Deno nothing to load before it starts but the entry and the `cli` chunk", () => {
    // Deno reads every module a program can import before running it, literal `import()`s
    // included: the whole bundle, for a `version` that needs two files.
    const deno = join(repoRoot, "node_modules", ".bin", "deno");
    const info = spawnSync(deno, ["info", "--json", BUNDLE], { encoding: "utf8" });
    assert.equal(info.status, 0, info.stderr);
    const files = (JSON.parse(info.stdout) as { modules: { specifier: string }[] }).modules
      .map((module) => module.specifier)
      .filter((specifier) => specifier.startsWith("file:") && specifier.includes("/dist/"))
      .map((specifier) => specifier.replace(/.*\/dist\//, ""));
    assert.equal(files.length, 2, files.join(", "));
    assert.ok(files.includes("cli.js") && files.some((file) => /^cli-chunks\/cli-/.test(file)));
  });
});
