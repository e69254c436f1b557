// What `stevedore version` and `stevedore images` (empty store) load: only what they need.
// Start-up time is mostly module loading, so these runs trace the modules a real CLI process
// loads (see _module_trace.ts) and check the structure, never the time: no registry client,
// compression, tar, trust, signatures, server or transport I/O for either command, and for
// `version` not even the runtime or the store.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { COMMANDS } from "../../src/cli/_commands.ts";
import { CLI_MODULES } from "../../src/cli/_modules.ts";
import { traceCli } from "./_module_trace.ts";

/** The transport files a table of transports needs: names and parsing, no I/O. */
const TRANSPORT_TABLE =
  /^src\/transports\/(?:types|transport_table|[a-z_]+\/reference|docker\/options|docker\/blob_locations)\.ts$/;

/** Why `module` is too heavy for a command that lists or prints, or undefined. */
function heavy(module: string): string | undefined {
  const groups: [RegExp, string][] = [
    [/^src\/registry\//, "registry client"],
    [/^src\/compression\//, "compression"],
    [/^src\/wasm\//, "WebAssembly kernels"],
    [/^src\/copy\//, "copy engine"],
    [/^src\/trust\//, "trust policy"],
    [/^src\/signature\//, "signatures"],
    [/^src\/server\/(?!usage_error\.ts$)/, "HTTP server"],
    [/^src\/transports\/_tar\//, "tar"],
    [/^node_modules\/(?:fflate|fzstd|modern-tar|openpgp|hono|@hono|@noble|yaml)\//, "package"],
  ];
  for (const [pattern, what] of groups) if (pattern.test(module)) return what;
  if (module.startsWith("src/transports/") && !TRANSPORT_TABLE.test(module)) {
    return "transport I/O";
  }
  return undefined;
}

/** The modules of `CLI_MODULES` (commands, the runtime host) loaded, but `expected`. */
function otherCliModules(modules: string[], expected: string[]): string[] {
  const loaded = CLI_MODULES.map((name) => `src/cli/${name}.ts`)
    .filter((path) => modules.includes(path));
  return loaded.filter((path) => !expected.includes(path));
}

function heavyOnes(modules: string[]): string[] {
  return modules.flatMap((module) => {
    const what = heavy(module);
    return what === undefined ? [] : [`${module} (${what})`];
  });
}

describe("start-up: the modules `version` and `images` load", () => {
  let dir: string;
  let env: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-startup-"));
    await writeFile(join(dir, "registries.conf"), 'unqualified-search-registries = ["x.test"]\n');
    env = { HOME: dir };
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("`version` loads the command line and nothing of the runtime", async () => {
    const run = await traceCli(["version"], env);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Client: {7}stevedore\n/);
    // The trace saw the command run (positive control).
    assert.ok(run.modules.includes("src/cli/version.ts"), run.modules.join("\n"));
    const needless = run.modules.filter((module) =>
      heavy(module) !== undefined || module.startsWith("node_modules/") ||
      /^src\/(?:runtime|store|transports|config\/registries_conf|lookup|manifest)/.test(module)
    );
    assert.deepEqual(needless, []);
    assert.deepEqual(otherCliModules(run.modules, ["src/cli/version.ts"]), []);
  });

  it("`images` on an empty store reads the store only", async () => {
    const root = join(dir, "store");
    const args = ["--root", root, "--registries-conf", join(dir, "registries.conf"), "images"];
    // Once to create the store, then as users run it on an existing one.
    for (const pass of ["new store", "existing store"]) {
      const run = await traceCli(args, env);
      assert.equal(run.code, 0, `${pass}: ${run.stderr}`);
      assert.equal(run.stdout, "REPOSITORY  TAG         IMAGE ID    CREATED     SIZE\n");
      for (const needed of ["src/cli/images.ts", "src/runtime/list_images.ts"]) {
        assert.ok(run.modules.includes(needed), `${pass}: ${needed} not traced`);
      }
      // Listing needs no registries.conf (containers/image reads it when a name is resolved).
      assert.ok(
        !run.modules.some((module) =>
          /^(?:node_modules\/smol-toml\/|src\/config\/_registries_file)/.test(module)
        ),
        `${pass}: registries.conf was parsed`,
      );
      assert.deepEqual(heavyOnes(run.modules), [], pass);
      const own = ["src/cli/images.ts", "src/cli/_runtime_host.ts"];
      assert.deepEqual(otherCliModules(run.modules, own), [], pass);
    }
  });

  it("a broken registries.conf stops what resolves a name, not `images`", async () => {
    const broken = join(dir, "broken.conf");
    await writeFile(broken, "unqualified-search-registries = [\n");
    const flags = ["--root", join(dir, "store"), "--registries-conf", broken];
    const listed = await traceCli([...flags, "images"], env);
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, "REPOSITORY  TAG         IMAGE ID    CREATED     SIZE\n");
    const inspected = await traceCli([...flags, "inspect", "alpine"], env);
    assert.notEqual(inspected.code, 0);
    assert.ok(inspected.stderr.includes(broken), inspected.stderr);
    assert.ok(inspected.modules.some((module) => module.startsWith("node_modules/smol-toml/")));
  });

  it("every command of the table loads by its module name", async () => {
    for (const [words, entry] of Object.entries(COMMANDS)) {
      const command = await entry.load();
      const names = [command.name, ...(command.aliases ?? [])];
      assert.ok(names.includes(words), `${words} loaded ${command.name}`);
    }
  });

  it("the check names what the old eager imports loaded", () => {
    // What `images` loaded before transports, the layer probe and lookup became lazy.
    const before = [
      "src/registry/registry_client.ts",
      "src/transports/docker/source.ts",
      "src/transports/oci_archive/destination.ts",
      "src/transports/_tar/tar_reader.ts",
      "src/compression/gunzip.ts",
      "src/wasm/inflate.ts",
      "node_modules/fflate/esm/index.mjs",
      "node_modules/modern-tar/dist/web/index.js",
    ];
    assert.equal(heavyOnes(before).length, before.length);
    const table = [
      "src/transports/transport_table.ts",
      "src/transports/oci/reference.ts",
      "src/transports/docker/options.ts",
      "src/cli/main.ts",
      "src/server/usage_error.ts",
      "node_modules/smol-toml/dist/index.js",
    ];
    assert.deepEqual(heavyOnes(table), []);
  });
});
