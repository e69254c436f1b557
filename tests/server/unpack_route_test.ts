// POST /stevedore/v1/images/unpack with hostile images: a layer that swaps a directory for
// a link to a folder outside leaves that folder untouched, and a layer that does not
// match its diff ID answers 400 naming it and leaves no folder.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Runtime } from "../../src/runtime/mod.ts";
import { createServerApp, type ServerApp } from "../../src/server/mod.ts";
import { layerTar, storeLayeredImage } from "../runtime/_layer_tar.ts";
import { plantSentinel, snapshot, swapLayer } from "../runtime/_sentinel.ts";
import { openUnpackRuntime } from "../runtime/_unpack_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

describe("the unpack route", () => {
  let dir: string;
  let base: string;
  let runtime: Runtime;
  let server: ServerApp;

  const unpack = (name: string, dest: string) =>
    Promise.resolve(server.app.request("/stevedore/v1/images/unpack", {
      method: "POST",
      body: JSON.stringify({ name, dest }),
    }));

  before(async () => {
    ({ dir, runtime } = await openUnpackRuntime("stevedore-unpack-route-"));
    base = await mkdtemp(join(tmpdir(), "stevedore-sentinel-"));
    await plantSentinel(base);
    const unpackRoot = join(dir, "unpacked");
    server = createServerApp(runtime, { unpackRoot });
    await storeLayeredImage(runtimeParts(runtime).store, "localhost/abs:latest", [
      layerTar(swapLayer(base)),
    ]);
    await storeLayeredImage(runtimeParts(runtime).store, "localhost/rel:latest", [
      layerTar(swapLayer(relative(join(unpackRoot, "rel"), base))),
    ]);
    const tar = layerTar([{ name: "etc/", type: "dir" }, { name: "etc/os", body: "os" }]);
    await storeLayeredImage(
      runtimeParts(runtime).store,
      "localhost/lying:latest",
      [tar],
      undefined,
      [
        "sha256:" + "1".repeat(64),
      ],
    );
  });

  after(async () => {
    server.close();
    await rm(base, { recursive: true, force: true });
    await rm(dir, { recursive: true, force: true });
  });

  it("leaves a folder outside untouched", async () => {
    const before = await snapshot(base);
    for (const name of ["abs", "rel"]) {
      const response = await unpack(`localhost/${name}`, name);
      assert.equal(response.status, 201, await response.clone().text());
      assert.equal((await response.json()).layers, 1);
      assert.ok((await lstat(join(dir, "unpacked", name, "d"))).isSymbolicLink());
      assert.deepEqual(await snapshot(base), before);
    }
  });

  it("answers 400 for a layer that is not its diff ID and leaves no folder", async () => {
    const response = await unpack("localhost/lying", "lying");
    assert.equal(response.status, 400);
    assert.match((await response.json()).message, /uncompressed layer sha256:[0-9a-f]{64}/);
    assert.ok(!(await readdir(join(dir, "unpacked"))).includes("lying"));
  });
});
