// Shared set-up of the pull tests: a real registry with single-arch, multi-arch and
// lying images, and a runtime whose registries.conf searches only that registry.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import {
  openRuntime,
  type Runtime,
  type RuntimeOptions,
  type RuntimeSeams,
} from "../../src/runtime/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import {
  type RandomImage,
  randomImage,
  type RandomIndex,
  randomIndex,
  randomMultiArch,
} from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";

export const HOST = { os: "linux", architecture: "amd64" };

export interface PullEnv {
  registry: RegistryServer;
  dir: string;
  confPath: string;
  single: RandomImage;
  single2: RandomImage;
  multi: RandomIndex;
  lying: RandomIndex;
  requests: string[];
  open(options?: RuntimeOptions & RuntimeSeams): Promise<Runtime>;
  push(image: RandomImage | RandomIndex, repoTag: string): Promise<void>;
  stop(): Promise<void>;
}

export async function startPullEnv(): Promise<PullEnv> {
  const registry = await startRegistry();
  const dir = await mkdtemp(join(tmpdir(), "stevedore-pull-"));
  const confPath = join(dir, "registries.conf");
  await writeFile(
    confPath,
    [
      `unqualified-search-registries = ["${registry.registry}"]`,
      "[[registry]]",
      `location = "${registry.registry}"`,
      "insecure = true",
      "",
    ].join("\n"),
  );
  const memory = memoryTransport();
  const fs = new NodeFileSystem();
  const push = async (image: RandomImage | RandomIndex, repoTag: string) => {
    memory.store.add(repoTag, image);
    await copyBetween(memory.parse(repoTag), `docker://${registry.registry}/${repoTag}`, {
      context: { fs, tlsVerify: false },
      all: true,
    });
  };
  const single = randomImage({ layers: 1, layerSize: 256 });
  const single2 = randomImage({ layers: 1, layerSize: 256 });
  const multi = randomMultiArch({ layers: 1, layerSize: 128 });
  // An index whose arm64 entry points at an image whose config says amd64.
  const liar = randomImage({ layers: 1, layerSize: 128, platform: HOST });
  const lying = randomIndex([
    randomImage({ layers: 1, layerSize: 128, platform: HOST }),
    { ...liar, platform: { os: "linux", architecture: "arm64", variant: "v8" } },
  ]);
  await push(single, "single:v1");
  await push(single, "single:v2");
  await push(single, "docker:latest");
  await push(multi, "multi:latest");
  await push(lying, "lying:latest");
  const requests: string[] = [];
  const counting = (input: string | URL | Request, init?: RequestInit) => {
    requests.push(
      typeof input === "string" ? input : input instanceof URL ? input.href : input.url,
    );
    return fetch(input, init);
  };
  let n = 0;
  return {
    registry,
    dir,
    confPath,
    single,
    single2,
    multi,
    lying,
    requests,
    push,
    open: async (options: RuntimeOptions & RuntimeSeams = {}) =>
      await openRuntime({
        root: join(dir, `store-${n++}`),
        registriesConf: confPath,
        registriesConfDir: "",
        env: {},
        homeDir: dir,
        uid: 1000,
        hostPlatform: HOST,
        fetch: counting,
        tmpDir: dir,
        warn: () => {},
        ...options,
      }),
    stop: async () => {
      await registry.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
