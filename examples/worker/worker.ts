/**
 * A Cloudflare Worker (or any workerd service) that pulls one image into an in-memory
 * stevedore runtime on its first request, then answers:
 *
 * - `GET /files/<path>`: the file at `<path>` in the image, read from its layers;
 * - `/v2/...`: the OCI distribution API over the same runtime's store, where the image is
 *   `<path>:<tag>` of `IMAGE` (pull it back with `skopeo`, `crane` or `docker`);
 * - `GET /_stevedore`: the pulled image and the kernels in use, as JSON.
 *
 * Bindings: `IMAGE` (the image to pull, e.g. `docker.io/library/alpine:3`) and, for a
 * plain-HTTP registry, `INSECURE = "1"`. Build with `node examples/worker/build.mjs`.
 *
 * @module
 */
import {
  distributionApp,
  kernelReport,
  MemoryFileSystem,
  openMemoryRuntime,
  parseNormalizedName,
  provideKernelModules,
  readImageFile,
  runtimeParts,
  StoreRegistryStorage,
} from "../../src/edge/mod.ts";
import type { ImageRecord } from "../../src/store/mod.ts";
// workerd forbids compiling WebAssembly from bytes: the kernels come in as modules.
import crc32 from "./kernels/crc32.wasm";
import inflate from "./kernels/inflate.wasm";
import sha256 from "./kernels/sha256.wasm";

provideKernelModules({ crc32, inflate, sha256 });

/** The Worker's bindings. */
interface Env {
  IMAGE: string;
  INSECURE?: string;
}

interface State {
  image: ImageRecord;
  files: (path: string) => Promise<Uint8Array | undefined>;
  registry: { fetch(request: Request): Response | Promise<Response> };
}

let state: Promise<State> | undefined;

async function start(env: Env): Promise<State> {
  const fs = new MemoryFileSystem();
  const runtime = await openMemoryRuntime({ fs, warn: () => {} });
  const [image] = await runtime.pull(`docker://${env.IMAGE}`, {
    tlsVerify: env.INSECURE !== "1",
  });
  // `/v2/` serves `localhost/` names without the prefix: the image's path and tag.
  const name = parseNormalizedName(env.IMAGE);
  await runtime.tag(image.id, `localhost/${name.path}:${name.tag ?? "latest"}`);
  const { store } = runtimeParts(runtime);
  return {
    image,
    files: (path) => readImageFile(store, image, path),
    registry: distributionApp(new StoreRegistryStorage(store, { fs })),
  };
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const ready = state ??= start(env);
    let current: State;
    try {
      current = await ready;
    } catch (error) {
      if (state === ready) state = undefined; // the next request tries again
      return new Response(`Cannot pull "${env.IMAGE}": ${(error as Error).message}\n`, {
        status: 502,
      });
    }
    const url = new URL(request.url);
    if (url.pathname === "/v2" || url.pathname.startsWith("/v2/")) {
      return current.registry.fetch(request);
    }
    if (url.pathname === "/_stevedore") {
      return Response.json({ image: current.image, kernels: kernelReport() });
    }
    if (url.pathname.startsWith("/files/") && request.method === "GET") {
      const path = decodeURIComponent(url.pathname.slice("/files".length));
      const bytes = await current.files(path);
      if (bytes === undefined) return new Response(`No file "${path}"\n`, { status: 404 });
      return new Response(bytes as Uint8Array<ArrayBuffer>, {
        headers: { "content-type": "application/octet-stream" },
      });
    }
    return new Response("Not found\n", { status: 404 });
  },
};
