// Pull then unpack: an image served by a real registry whose layer swaps a directory for
// a link to a folder outside leaves that folder untouched.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lstat, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { startRegistry } from "../helpers/registry_server.ts";
import { layerTar, storeLayeredImage } from "./_layer_tar.ts";
import { plantSentinel, snapshot, swapLayer } from "./_sentinel.ts";
import { openUnpackRuntime } from "./_unpack_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

describe("pull then unpack", () => {
  it("leaves a folder outside untouched", async () => {
    const registry = await startRegistry();
    const conf = `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`;
    const pusher = await openUnpackRuntime("stevedore-unpack-push-", conf);
    const puller = await openUnpackRuntime("stevedore-unpack-pull-", conf);
    const base = await mkdtemp(join(tmpdir(), "stevedore-sentinel-"));
    try {
      await plantSentinel(base);
      const before = await snapshot(base);
      const dest = join(puller.dir, "root");
      for (const [tag, target] of [["abs", base], ["rel", relative(dest, base)]]) {
        const name = `localhost/escape:${tag}`;
        await storeLayeredImage(runtimeParts(pusher.runtime).store, name, [
          layerTar(swapLayer(target)),
        ]);
        const remote = `${registry.registry}/escape:${tag}`;
        await pusher.runtime.push(name, `docker://${remote}`);
        await puller.runtime.pull(remote);
        await puller.runtime.unpack(remote, dest);
        assert.ok((await lstat(join(dest, "d"))).isSymbolicLink());
        assert.deepEqual(await snapshot(base), before);
        await rm(dest, { recursive: true });
      }
    } finally {
      await rm(base, { recursive: true, force: true });
      await rm(pusher.dir, { recursive: true, force: true });
      await rm(puller.dir, { recursive: true, force: true });
      await registry.stop();
    }
  });
});
