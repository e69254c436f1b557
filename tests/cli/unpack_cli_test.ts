// `stevedore unpack` as a child process: a layer that swaps a directory for a link to a
// folder outside leaves that folder untouched, missing parents are created, and a layer
// that does not match its diff ID fails naming it, leaving no folder behind.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { lstat, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { layerTar, storeLayeredImage } from "../runtime/_layer_tar.ts";
import { plantSentinel, snapshot, swapLayer } from "../runtime/_sentinel.ts";
import { openUnpackRuntime } from "../runtime/_unpack_env.ts";
import { runCli } from "./_cli.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

describe("stevedore unpack", () => {
  let dir: string;
  let conf: string;
  let base: string;

  const cli = (...args: string[]) =>
    runCli(["--root", join(dir, "store"), "--registries-conf", conf, ...args], {
      HOME: dir,
      XDG_RUNTIME_DIR: join(dir, "run"),
      XDG_CONFIG_HOME: join(dir, "config"),
    });

  before(async () => {
    const env = await openUnpackRuntime("stevedore-unpack-cli-");
    ({ dir, conf } = env);
    base = await mkdtemp(join(tmpdir(), "stevedore-sentinel-"));
    await plantSentinel(base);
    const dest = join(dir, "new", "parent", "root");
    const store = runtimeParts(env.runtime).store;
    await storeLayeredImage(store, "localhost/abs:latest", [layerTar(swapLayer(base))]);
    await storeLayeredImage(store, "localhost/rel:latest", [
      layerTar(swapLayer(relative(dest, base))),
    ]);
    const tar = layerTar([{ name: "etc/", type: "dir" }, { name: "etc/os", body: "os" }]);
    await storeLayeredImage(store, "localhost/lying:latest", [tar], undefined, [
      "sha256:" + createHash("sha256").update("not this").digest("hex"),
    ]);
  });

  after(async () => {
    await rm(base, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves a folder outside untouched", async () => {
    const before = await snapshot(base);
    await mkdir(join(dir, "existing"));
    const dest = join(dir, "existing", "root");
    const result = cli("unpack", "localhost/abs", dest);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await lstat(join(dest, "d"))).isSymbolicLink());
    assert.deepEqual(await snapshot(base), before);
  });

  it("creates missing parents (and still leaves the folder outside untouched)", async () => {
    const before = await snapshot(base);
    const dest = join(dir, "new", "parent", "root");
    const result = cli("unpack", "localhost/rel", dest);
    assert.equal(result.code, 0, result.stderr);
    assert.ok((await lstat(join(dest, "d"))).isSymbolicLink());
    assert.deepEqual(await snapshot(base), before);
  });

  it("fails on a layer that is not its diff ID, naming it, and leaves nothing", () => {
    const result = cli("unpack", "localhost/lying", join(dir, "lying"));
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /uncompressed layer sha256:[0-9a-f]{64} of localhost\/lying/);
    return readdir(dir).then((names) => assert.ok(!names.includes("lying"), names.join()));
  });
});
