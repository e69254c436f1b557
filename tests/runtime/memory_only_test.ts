// The edge-runtime promise: with an in-memory file system and an injected fetch, a pull and
// a save to a stream work without touching the disk or the network.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { copyBetween } from "../../src/copy/mod.ts";
import { MemoryFileSystem } from "../../src/fs/mod.ts";
import { openRuntime } from "../../src/runtime/mod.ts";
import { distributionApp, MemoryRegistryStorage } from "../../src/server/distribution/mod.ts";
import { readTar } from "../../src/transports/_tar/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";

describe("a runtime over memory only", () => {
  it("pulls into memory and saves to a stream with no file on disk", async () => {
    const registry = distributionApp(new MemoryRegistryStorage());
    const fetchFromMemory = (input: string | URL | Request, init?: RequestInit) =>
      Promise.resolve(registry.fetch(new Request(input, init)));
    const fs = new MemoryFileSystem();
    const memory = memoryTransport();
    const image = randomImage({ layers: 2, layerSize: 4096 });
    memory.store.add("app:v1", image);
    await copyBetween(memory.parse("app:v1"), "docker://registry.test/team/app:v1", {
      context: { fs, fetch: fetchFromMemory as typeof fetch },
    });

    const root = `/stevedore-memory-only-${crypto.randomUUID()}`;
    const runtime = await openRuntime({
      root,
      fs,
      fetch: fetchFromMemory,
      env: {},
      homeDir: "/home/user",
      uid: 1000,
      warn: () => {},
    });
    const [pulled] = await runtime.pull("registry.test/team/app:v1", { policy: "newer" });
    assert.equal(pulled.id, image.config.digest.slice("sha256:".length));
    assert.deepEqual(pulled.names, ["registry.test/team/app:v1"]);

    const chunks: Uint8Array[] = [];
    await runtime.save(["registry.test/team/app:v1"], {
      format: "oci-archive",
      output: new WritableStream({ write: (chunk) => void chunks.push(chunk.slice()) }),
    });
    const names: string[] = [];
    const archive = new Blob(chunks as Uint8Array<ArrayBuffer>[]).stream();
    for await (const entry of readTar(archive, { what: "saved archive" })) {
      names.push(entry.path);
      await entry.body?.cancel();
    }
    assert.ok(names.includes("index.json"), names.join(", "));
    assert.ok(names.includes(`blobs/sha256/${image.config.digest.slice(7)}`));
    await runtime.close();

    // Everything lived in the memory file system; nothing reached the disk.
    assert.ok((await fs.readDir(`${root}/blobs/sha256`)).length >= 4);
    assert.equal(existsSync(root), false);
  });
});
