// A transport is added by passing it to Runtime.open: the runtime asks for capabilities
// (here `storageNames`) and never needs to know the transport's name. Each runtime has its
// own table: another runtime does not see it.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import type { Runtime } from "../../mod.ts";
import { openRuntime } from "../../src/runtime/mod.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import type { ImageReference, Transport } from "../../src/transports/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";

function open(fs: MemoryFileSystem, transports: Transport[] = []): Promise<Runtime> {
  return openRuntime({
    root: "/store",
    fs,
    env: {},
    homeDir: "/home/user",
    uid: 1000,
    warn: () => {},
    transports,
  });
}

describe("a transport passed to Runtime.open", () => {
  it("pulls by ID without names, and under the names its storageNames capability gives", async () => {
    const memory = memoryTransport({ name: "mem" });
    const image = randomImage({ layers: 1 });
    memory.store.add("img", image);
    // The same images, behind a transport that names them.
    const named: Transport = {
      name: "named",
      parse(within: string): ImageReference {
        const inner = memory.parse(within);
        const reference: ImageReference = {
          ...inner,
          transport: named,
          toString: () => `named:${within}`,
          storageNames: () => Promise.resolve([`localhost/${within}:v1`]),
        };
        return reference;
      },
    };
    const fs = new MemoryFileSystem();
    const runtime = await open(fs, [memory, named]);
    const [byId] = await runtime.pull("mem:img");
    assert.equal(`sha256:${byId.id}`, image.config.digest);
    assert.deepEqual(byId.names, []);
    const [byName] = await runtime.pull("named:img");
    assert.equal(byName.id, byId.id);
    assert.deepEqual(byName.names, ["localhost/img:v1"]);
    assert.equal((await runtime.lookupImage("localhost/img:v1")).image.id, byId.id);

    // Another runtime, without the transports: `mem:img` is an image name there.
    const other = await open(new MemoryFileSystem());
    await assert.rejects(other.pull("mem:img", { policy: "never" }), { code: "ImageNotFound" });
  });
});
