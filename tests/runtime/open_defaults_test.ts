// Runtime.open() with no options reads the process environment as the CLI does: the store
// root from STEVEDORE_ROOT and registries.conf from CONTAINERS_REGISTRIES_CONF; an explicit
// `env` replaces the process environment.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Runtime } from "../../mod.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

const VARIABLES = ["STEVEDORE_ROOT", "CONTAINERS_REGISTRIES_CONF"] as const;

describe("Runtime.open defaults", () => {
  let work: string;
  const saved = new Map<string, string | undefined>();
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "stevedore-open-defaults-"));
    await writeFile(
      join(work, "registries.conf"),
      'unqualified-search-registries = ["registry.example.test"]\n',
    );
    for (const name of VARIABLES) saved.set(name, process.env[name]);
  });
  after(async () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    if (work) await rm(work, { recursive: true, force: true });
  });

  it("takes the store root and registries.conf from the process environment", async () => {
    process.env.STEVEDORE_ROOT = join(work, "store");
    process.env.CONTAINERS_REGISTRIES_CONF = join(work, "registries.conf");
    const runtime = await Runtime.open();
    try {
      assert.equal(runtimeParts(runtime).store.root, join(work, "store"));
      assert.deepEqual((await runtimeParts(runtime).registriesConf()).unqualifiedSearchRegistries, [
        "registry.example.test",
      ]);
    } finally {
      await runtime.close();
    }
  });

  it("uses only the given env when one is passed", async () => {
    process.env.CONTAINERS_REGISTRIES_CONF = join(work, "registries.conf");
    const runtime = await Runtime.open({
      root: join(work, "explicit"),
      env: {},
    });
    try {
      assert.equal(runtimeParts(runtime).store.root, join(work, "explicit"));
      assert.ok(
        !(await runtimeParts(runtime).registriesConf()).unqualifiedSearchRegistries.includes(
          "registry.example.test",
        ),
      );
    } finally {
      await runtime.close();
    }
  });
});
