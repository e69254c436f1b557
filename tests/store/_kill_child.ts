// A child process for the kill test: copies random multi-layer images into the store in a
// loop (also deleting, renaming and collecting garbage now and then) until it is killed.
// Prints "ready" once the store is open. Usage: tsx _kill_child.ts ROOT
import { copyImage } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";

const root = process.argv[2];
const fs = new NodeFileSystem();
const store = await openStore({ root, fs, lockTimeoutMs: 20_000 });
const storage = containersStorageTransport(store);
const memory = memoryTransport();
process.stdout.write("ready\n");
for (let i = 0;; i++) {
  const image = randomImage({ layers: 4, layerSize: 48 * 1024 });
  memory.store.add("img", image);
  await copyImage(memory.parse("img"), storage.parse(`kill/child:${i % 3}`), {
    context: { fs },
    concurrency: 4,
  });
  if (i % 3 === 2) {
    const unnamed = (await store.images()).find((record) => record.names.length === 0);
    if (unnamed !== undefined) await store.deleteImage(unnamed.id);
  }
  if (i % 4 === 1) {
    const id = image.config.digest.slice("sha256:".length);
    await store.changeNames(id, { add: [`kill/renamed:${i % 5}`] });
  }
  if (i % 5 === 4) await store.gc();
}
