// A child process that tests kill at a chosen phase of its work on a store (see
// _phase_fs.ts): it prints "ready" once the store is open, "stopped <phase>" when it
// reached the phase and froze there, and "done" if it finished without reaching it.
// Usage: node --import tsx _kill_child.ts ROOT STOP MODE [ARGS...]
//   STOP  a JSON StopAt, or "-" for none; STEVEDORE_TRACE=1 prints every phase to stderr.
//   MODE  write-loop         copy random images into the store in a loop (also deleting,
//                            renaming and collecting garbage now and then), forever;
//         pull NAME CONF     pull NAME with the registries.conf CONF;
//         load PATH          load the archive at PATH.
import process from "node:process";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { openRuntime, type Runtime } from "../../src/runtime/mod.ts";
import { openStore } from "../../src/store/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { PhaseFileSystem, type StopAt } from "./_phase_fs.ts";

const [root, stopText, mode, ...rest] = process.argv.slice(2);
const stop: StopAt | undefined = stopText === "-" ? undefined : JSON.parse(stopText);
const fs = new PhaseFileSystem(
  new NodeFileSystem(),
  root,
  stop,
  (phase) => {
    process.stdout.write(`stopped ${phase}\n`);
    // Frozen work holds no handle: keep the process alive until the parent kills it.
    setInterval(() => {}, 1 << 30);
  },
  process.env.STEVEDORE_TRACE ? (phase) => process.stderr.write(`${phase}\n`) : undefined,
);

async function writeLoop(): Promise<void> {
  const store = await openStore({ root, fs, lockTimeoutMs: 60_000 });
  const storage = containersStorageTransport(store);
  const memory = memoryTransport();
  process.stdout.write("ready\n");
  for (let i = 0;; i++) {
    const image = randomImage({ layers: 4, layerSize: 48 * 1024 });
    memory.store.add("img", image);
    await copyBetween(memory.parse("img"), storage.parse(`kill/child:${i % 3}`), {
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
}

async function openChildRuntime(conf?: string): Promise<Runtime> {
  const runtime = await openRuntime({
    root,
    fs,
    env: {},
    homeDir: root,
    uid: 1000,
    hostPlatform: { os: "linux", architecture: "amd64" },
    warn: () => {},
    ...(conf === undefined ? {} : { registriesConf: conf }),
  });
  process.stdout.write("ready\n");
  return runtime;
}

if (mode === "write-loop") await writeLoop();
else if (mode === "pull") await (await openChildRuntime(rest[1])).pull(rest[0], { retries: 0 });
else if (mode === "load") await (await openChildRuntime()).load(rest[0]);
else throw new Error(`unknown mode ${mode}`);
process.stdout.write("done\n");
