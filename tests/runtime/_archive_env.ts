// Shared set-up of the save/load/import/push tests: a temporary folder, runtimes over
// fresh stores in it, and random images written straight into a store.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import {
  openRuntime,
  type Runtime,
  type RuntimeOptions,
  runtimeParts,
  type RuntimeSeams,
} from "../../src/runtime/mod.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import type { ImageRecord } from "../../src/store/types.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage, type RandomImageOptions } from "../helpers/random_image.ts";
import type { ImageEvent } from "../../src/events/mod.ts";

export const HOST = { os: "linux", architecture: "amd64" };

export interface ArchiveEnv {
  dir: string;
  fs: NodeFileSystem;
  open(options?: RuntimeOptions & RuntimeSeams): Promise<Runtime>;
  add(runtime: Runtime, name: string, options?: RandomImageOptions): Promise<{
    image: RandomImage;
    record: ImageRecord;
  }>;
  stop(): Promise<void>;
}

let counter = 0;

export async function startArchiveEnv(): Promise<ArchiveEnv> {
  const dir = await mkdtemp(join(tmpdir(), "stevedore-archive-"));
  const confPath = join(dir, "registries.conf");
  await writeFile(confPath, "");
  const fs = new NodeFileSystem();
  const memory = memoryTransport();
  let n = 0;
  return {
    dir,
    fs,
    open: (options: RuntimeOptions & RuntimeSeams = {}) =>
      openRuntime({
        root: join(dir, `store-${n++}`),
        registriesConf: confPath,
        registriesConfDir: "",
        env: {},
        homeDir: dir,
        uid: 1000,
        hostPlatform: HOST,
        tmpDir: dir,
        warn: () => {},
        ...options,
      }),
    add: async (runtime, name, options = {}) => {
      const image = randomImage({ layers: 2, layerSize: 300, ...options });
      const key = `img-${counter++}`;
      memory.store.add(key, image);
      const target = name.startsWith("@") ? name : name;
      await copyBetween(
        memory.parse(key),
        containersStorageTransport(runtimeParts(runtime).store).parse(target),
        {
          context: { fs },
        },
      );
      const record = (await runtimeParts(runtime).store.imageById(image.config.digest.slice(7)))!;
      return { image, record };
    },
    stop: () => rm(dir, { recursive: true, force: true }),
  };
}

/** The store's visible state: records (without times) and blob files. */
export async function storeState(runtime: Runtime): Promise<unknown> {
  const images = (await runtimeParts(runtime).store.images()).map(({ added: _added, ...rest }) =>
    rest
  );
  let blobs: string[] = [];
  try {
    blobs = (await readdir(join(runtimeParts(runtime).store.root, "blobs", "sha256"))).sort();
  } catch {
    blobs = [];
  }
  return { images, blobs };
}

/**
 * Records the events `runtime` writes. `stop()` ends the subscription and resolves once
 * every event written before it was collected: operations await their event writes, so
 * no timer is needed to let deliveries land.
 */
export function collectEvents(
  runtime: Runtime,
): { events: ImageEvent[]; stop(): Promise<ImageEvent[]> } {
  const controller = new AbortController();
  const events: ImageEvent[] = [];
  const done = (async () => {
    for await (const event of runtime.events(controller.signal)) events.push(event);
  })();
  return {
    events,
    stop: async () => {
      controller.abort();
      await done;
      return events;
    },
  };
}
