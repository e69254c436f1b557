// registries.conf is read when an operation first needs it, once, as containers/image
// does: opening a runtime and listing the store never read it, so a broken file fails
// only what resolves a name or reaches a registry (with the file named), and its
// warnings come once, with that first use.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/errors.ts";
import { openRuntime, runtimeParts } from "../../src/runtime/mod.ts";

describe("registries.conf is read on first use", () => {
  let work: string;
  before(async () => {
    work = await mkdtemp(join(tmpdir(), "stevedore-lazy-conf-"));
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  async function open(conf: string, warnings: string[] = []) {
    const path = join(work, `${warnings.length}-${Math.random().toString(36).slice(2)}.conf`);
    await writeFile(path, conf);
    const runtime = await openRuntime({
      root: join(work, "store"),
      registriesConf: path,
      registriesConfDir: "",
      env: {},
      homeDir: work,
      warn: (message) => warnings.push(message),
    });
    return { runtime, path };
  }

  it("a broken file fails lookups by name and pulls, naming it, not open or list", async () => {
    const { runtime, path } = await open("unqualified-search-registries = [\n");
    assert.deepEqual(await runtime.listImages(), []);
    assert.equal((await runtime.diskUsage()).images.length, 0);
    const named = (error: unknown) =>
      error instanceof ConfigError && error.file === path && error.message.includes(path);
    await assert.rejects(runtime.lookupImage("alpine"), named);
    await assert.rejects(runtime.pull("alpine", { policy: "missing" }), named);
    await assert.rejects(runtimeParts(runtime).registriesConf(), named);
  });

  it("a broken file does not stop a load or an import (they resolve no name)", async () => {
    const { runtime } = await open("unqualified-search-registries = [\n");
    const emptyTar = () => new Blob([new Uint8Array(1024)]).stream();
    const id = await runtime.importImage(emptyTar(), { reference: "localhost/empty:v1" });
    assert.match(id, /^sha256:[0-9a-f]{64}$/);
    // An archive written by a runtime whose registries.conf is fine.
    const { runtime: other } = await open("");
    await other.importImage(emptyTar(), { reference: "localhost/other:v1" });
    const archive = join(work, "other.tar");
    await other.save(["localhost/other:v1"], { format: "docker-archive", output: archive });
    assert.deepEqual(await runtime.load(archive), ["localhost/other:v1"]);
  });

  it("its warnings come once, with the first operation that reads it", async () => {
    const warnings: string[] = [];
    const { runtime, path } = await open(
      'unqualified-search-registries = ["registry.example.test"]\nno-such-key = 1\n',
      warnings,
    );
    await runtime.listImages();
    assert.equal(warnings.length, 0, warnings.join("\n"));
    await assert.rejects(runtime.lookupImage("alpine"), { name: "ImageNotFoundError" });
    await assert.rejects(runtime.lookupImage("busybox"), { name: "ImageNotFoundError" });
    const conf = await runtimeParts(runtime).registriesConf();
    assert.deepEqual(conf.unqualifiedSearchRegistries, ["registry.example.test"]);
    assert.equal(warnings.length, 1, warnings.join("\n"));
    assert.match(warnings[0], /no-such-key/);
    assert.ok(warnings[0].includes(path));
  });
});
