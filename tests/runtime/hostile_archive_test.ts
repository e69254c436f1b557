// Hostile archives fed to every path that reads tar entries (load from a path and a
// stream, import, pull oci-archive:/docker-archive:, the server's /images/load and
// /images/create?fromSrc=-): each settles with success or a typed error, the store stays
// byte-identical and its tmp/ empty. Plus the caps (bytes, images) and cancellation: an
// AbortSignal, and a real HTTP client that disconnects, both at chosen phases.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { join } from "node:path";
import {
  DigestMismatchError,
  InvalidArchiveError,
  LoadError,
  TooLargeError,
} from "../../src/errors.ts";
import type { Runtime, RuntimeOptions, RuntimeSeams } from "../../src/runtime/mod.ts";
import { createServerApp } from "../../src/server/mod.ts";
import { listenHttp } from "../../src/fs/http_listen.ts";
import { writeTarAtomic } from "../../src/transports/_tar/mod.ts";
import { type ArchiveEnv, startArchiveEnv } from "./_archive_env.ts";
import {
  dockerArchive,
  ociArchive,
  PhasedFileSystem,
  plainImage,
  settles,
  storeFingerprint,
  tmpEntries,
  zeroBomb,
} from "./_hostile_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";
import {
  type RandomImage,
  randomImage,
  type RandomLayer,
  sha256,
  tarOf,
} from "../helpers/random_image.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

/** A runtime whose temporary files live in its store's tmp/ (as by default). */
function open(options: RuntimeOptions & RuntimeSeams = {}): Promise<Runtime> {
  return env.open({ tmpDir: undefined, ...options });
}

/** Runs `run`, which must fail; checks the error and that the store is untouched. */
async function refused(
  runtime: Runtime,
  what: string,
  run: () => Promise<unknown>,
  check: (error: unknown) => void,
): Promise<void> {
  const root = runtimeParts(runtime).store.root;
  const before = await storeFingerprint(root);
  const error = await settles(
    run().then(() => assert.fail(`${what} succeeded`), (error: unknown) => error),
    what,
  );
  check(error);
  assert.deepEqual(await storeFingerprint(root), before, `${what}: the store changed`);
  assert.deepEqual(await tmpEntries(root), [], `${what}: tmp/ is not empty`);
}

/** Posts `body` to the server's `path` in-process; returns the JSON lines it answered. */
async function post(runtime: Runtime, path: string, body: Uint8Array): Promise<unknown[]> {
  const server = createServerApp(runtime);
  try {
    const response = await server.app.request(path, {
      method: "POST",
      body: new Blob([body as Uint8Array<ArrayBuffer>]).stream(),
      // @ts-ignore: a streamed request body needs duplex: "half" (Node, Deno).
      duplex: "half",
    });
    const text = await settles(response.text(), `POST ${path}`);
    const lines = text.split("\n").map((line) => line.trim());
    return lines.filter((line) => line !== "").map((line) => JSON.parse(line));
  } finally {
    server.close();
  }
}

function errorLine(lines: unknown[]): string {
  const found = lines.find((line) => typeof line === "object" && line !== null && "error" in line);
  assert.ok(found, `no error line in ${JSON.stringify(lines).slice(0, 300)}`);
  return (found as { error: string }).error;
}

/** The server refuses `body` on `path` with an error line matching `pattern`; store kept. */
async function serverRefuses(runtime: Runtime, path: string, body: Uint8Array, pattern: RegExp) {
  const root = runtimeParts(runtime).store.root;
  const before = await storeFingerprint(root);
  assert.match(errorLine(await post(runtime, path, body)), pattern);
  assert.deepEqual(await storeFingerprint(root), before, `${path}: the store changed`);
  assert.deepEqual(await tmpEntries(root), [], `${path}: tmp/ is not empty`);
}

async function importSettles(runtime: Runtime, path: string): Promise<void> {
  const id = await settles(runtime.importImage(path), `import ${path}`);
  assert.match(id, /^sha256:[0-9a-f]{64}$/);
  assert.deepEqual(await tmpEntries(runtimeParts(runtime).store.root), []);
}

describe("hostile archives: metadata sizes", () => {
  it("reads a 300 KB manifest.json that spans read chunks, after other entries", async () => {
    const image = plainImage();
    const path = join(env.dir, "padded.tar");
    await dockerArchive(
      env.fs,
      path,
      image,
      (item) => JSON.stringify([item]) + " ".repeat(300_000),
    );
    const bytes = await env.fs.readFile(path);
    const runtime = await open();
    assert.deepEqual(await settles(runtime.load(path), "load"), ["localhost/hostile:1"]);
    const fromStream = await open();
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
    assert.deepEqual(await settles(fromStream.load(stream), "load -"), ["localhost/hostile:1"]);
    const pulled = await open();
    const records = await settles(pulled.pull(`docker-archive:${path}`), "pull docker-archive:");
    assert.equal(records[0].id, image.config.digest.slice(7));
    const served = await open();
    const lines = await post(served, "/images/load", bytes);
    assert.deepEqual(lines, [{ stream: "Loaded image: localhost/hostile:1\n" }]);
    for (const runtime of [fromStream, served]) {
      assert.deepEqual(await tmpEntries(runtimeParts(runtime).store.root), []);
    }
    await importSettles(await open(), path);
  });

  it("refuses 50,000 tags (a valid 1.4 MB manifest.json) by the image cap", async () => {
    const image = plainImage();
    const path = join(env.dir, "tags.tar");
    const tags = Array.from({ length: 50_000 }, (_, i) => `docker.io/library/t${i}:latest`);
    await dockerArchive(
      env.fs,
      path,
      image,
      (item) => JSON.stringify([{ ...item, RepoTags: tags }]),
    );
    const runtime = await open();
    await refused(runtime, "load", () => runtime.load(path), (error) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.equal(error.limit, 1000);
      assert.match(error.message, /50000 images/);
    });
    await serverRefuses(runtime, "/images/load", await env.fs.readFile(path), /50000 images/);
    await refused(runtime, "pull", () => runtime.pull(`docker-archive:${path}`), (error) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.match(error.message, /50000 names/);
    });
    await importSettles(await open(), path);
  });

  it("refuses 400 KB of nested JSON as manifest.json with a typed error", async () => {
    const path = join(env.dir, "nested.tar");
    await dockerArchive(
      env.fs,
      path,
      plainImage(),
      () => "[".repeat(200_000) + "]".repeat(200_000),
    );
    const runtime = await open();
    await refused(runtime, "load", () => runtime.load(path), (error) => {
      assert.ok(error instanceof LoadError, String(error));
      const docker = error.errors.find((failure) => failure.format === "docker-archive")!.error;
      assert.ok(docker instanceof InvalidArchiveError, String(docker));
    });
    await refused(runtime, "pull", () => runtime.pull(`docker-archive:${path}`), (error) => {
      assert.match(String(error), /manifest\.json/);
    });
    await serverRefuses(runtime, "/images/load", await env.fs.readFile(path), /manifest\.json/);
    await importSettles(await open(), path);
  });

  it("refuses an OCI archive with 10,000 index entries (2.2 MB) by the image cap, fast", async () => {
    const image = plainImage();
    const path = join(env.dir, "wide.tar");
    await ociArchive(env.fs, path, image, 10_000);
    const runtime = await open();
    await refused(runtime, "load", () => runtime.load(path), (error) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.match(error.message, /10000 images/);
    });
    await refused(runtime, "pull", () => runtime.pull(`oci-archive:${path}`), (error) => {
      assert.ok(error instanceof InvalidArchiveError, String(error));
    });
    await serverRefuses(runtime, "/images/load", await env.fs.readFile(path), /10000 images/);
    const pulled = await open();
    const records = await settles(pulled.pull(`oci-archive:${path}:n9999`), "pull oci-archive:");
    assert.equal(records[0].id, image.config.digest.slice(7));
    assert.deepEqual(await tmpEntries(runtimeParts(pulled).store.root), []);
    await importSettles(await open(), path);
  });

  it("refuses a metadata entry over 16 MiB with a TooLargeError naming it", async () => {
    const path = join(env.dir, "huge-manifest.tar");
    await dockerArchive(
      env.fs,
      path,
      plainImage(),
      (item) => JSON.stringify([item]) + " ".repeat(17 * 1024 * 1024),
    );
    const runtime = await open();
    const named = (error: unknown) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.match(error.input, /manifest\.json$/);
      assert.equal(error.limit, 16 * 1024 * 1024);
    };
    await refused(runtime, "load", () => runtime.load(path), named);
    await refused(runtime, "pull", () => runtime.pull(`docker-archive:${path}`), named);
    await serverRefuses(runtime, "/images/load", await env.fs.readFile(path), /manifest\.json/);
  });
});

describe("hostile archives: caps", () => {
  it("stops a decompression bomb at the byte cap (load, import, server)", async () => {
    const path = join(env.dir, "bomb.tar.gz");
    await zeroBomb(env.fs, path, 32 * 1024 * 1024);
    const bytes = await env.fs.readFile(path);
    assert.ok(bytes.length < 1024 * 1024);
    const runtime = await open({ maxLoadBytes: 1024 * 1024 });
    assert.equal(runtime.loadLimits.maxBytes, 1024 * 1024);
    const capped = (error: unknown) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.equal(error.limit, 1024 * 1024);
    };
    await refused(runtime, "load", () => runtime.load(path), capped);
    const stream = () => new Blob([bytes as Uint8Array<ArrayBuffer>]).stream();
    await refused(runtime, "load -", () => runtime.load(stream()), capped);
    await refused(runtime, "import", () => runtime.importImage(path), capped);
    await refused(runtime, "import -", () => runtime.importImage(stream()), capped);
    const unlimited = await open();
    await refused(
      unlimited,
      "load with maxBytes",
      () => unlimited.load(path, { maxBytes: 1024 * 1024 }),
      capped,
    );
    await serverRefuses(runtime, "/images/load", bytes, /limit is 1048576/);
    await serverRefuses(runtime, "/images/create?fromSrc=-", bytes, /limit is 1048576/);
  });

  it("caps the images of one archive (configurable), each name counting", async () => {
    const image = plainImage();
    const path = join(env.dir, "three.tar");
    await ociArchive(env.fs, path, image, 3);
    const runtime = await open({ maxLoadImages: 2 });
    await refused(runtime, "load", () => runtime.load(path), (error) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.equal(error.limit, 2);
    });
    const names = await settles(runtime.load(path, { maxImages: 3 }), "load");
    assert.deepEqual(names, ["localhost/n0:latest", "localhost/n1:latest", "localhost/n2:latest"]);
    await assert.rejects(runtime.load(path, { maxImages: 0 }), RangeError);
  });
});

/** `image` with its layer `index` replaced by `layer` in the manifest (the config kept). */
function withForeignLayer(image: RandomImage, index: number, layer: RandomLayer): RandomImage {
  const layers = image.layers.map((old, i) => i === index ? layer : old);
  const manifest = JSON.parse(new TextDecoder().decode(image.manifest.bytes));
  manifest.layers = layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size }));
  const bytes = new TextEncoder().encode(JSON.stringify(manifest));
  const blobs = new Map([[image.config.digest, image.config.bytes]]);
  for (const l of layers) blobs.set(l.digest, l.bytes);
  return {
    ...image,
    manifest: { ...image.manifest, bytes, digest: sha256(bytes) },
    layers,
    blobs,
  };
}

describe("hostile archives: layers", () => {
  it("refuses an OCI archive whose middle layer is not the config's, before storing any", async () => {
    const image = randomImage({ layers: 3, layerSize: 4096 });
    const foreign = randomImage({ layers: 1, layerSize: 4096 }).layers[0];
    const path = join(env.dir, "foreign-layer.tar");
    await ociArchive(env.fs, path, withForeignLayer(image, 1, foreign), 1);
    const runtime = await open();
    await refused(runtime, "load", () => runtime.load(path), (error) => {
      assert.ok(error instanceof LoadError, String(error));
      const oci = error.errors.find((failure) => failure.format === "oci-archive")!.error;
      assert.ok(oci instanceof DigestMismatchError, String(oci));
      assert.equal(oci.actual, foreign.diffId);
      assert.equal(oci.expected, image.layers[1].diffId);
    });
    // A pull hands the extracted layers to the store, which refuses the foreign one too
    // (the layers before it may stay as unreferenced blobs, as after any failed pull).
    const error = await settles(
      runtime.pull(`oci-archive:${path}`).then(() => assert.fail("pull succeeded"), (e) => e),
      "pull",
    );
    assert.ok(error instanceof DigestMismatchError, String(error));
    assert.equal(error.actual, foreign.diffId);
    assert.deepEqual(await runtimeParts(runtime).store.images(), []);
    assert.deepEqual(await tmpEntries(runtimeParts(runtime).store.root), []);
  });

  it("stops a gzip layer that inflates past the byte cap (a bomb inside an OCI archive)", async () => {
    const zeros = tarOf("zeros", new Uint8Array(4 * 1024 * 1024));
    const image = randomImage({ layerTars: [zeros] });
    assert.ok(image.layers[0].size < 64 * 1024);
    const path = join(env.dir, "layer-bomb.tar");
    await ociArchive(env.fs, path, image, 1);
    const runtime = await open({ maxLoadBytes: 1024 * 1024 });
    await refused(runtime, "load", () => runtime.load(path), (error) => {
      assert.ok(error instanceof TooLargeError, String(error));
      assert.equal(error.limit, 1024 * 1024);
      assert.match(error.input, new RegExp(`${image.layers[0].digest.slice(7)}$`));
    });
    // Under a cap it fits, the same archive loads.
    const roomy = await open({ maxLoadBytes: 16 * 1024 * 1024 });
    assert.deepEqual(await settles(roomy.load(path), "load"), ["localhost/n0:latest"]);
  });
});

/** A tar holding one 8 MiB file: extraction takes several chunks. */
async function bigTar(name: string): Promise<string> {
  const path = join(env.dir, name);
  await writeTarAtomic(env.fs, path, [
    { path: "big", kind: "file", body: new Uint8Array(8 * 1024 * 1024).fill(1) },
  ]);
  return path;
}

describe("hostile archives: cancellation", () => {
  it("a cancelled load stops during extraction and removes what it wrote", async () => {
    const path = await bigTar("cancel-load.tar");
    const fs = new PhasedFileSystem((file) => /\/\.stevedore-load-[^/]+\/big$/.test(file));
    const runtime = await open({ fs });
    const controller = new AbortController();
    let written = false;
    fs.onFirstWrite = () => {
      written = true;
      controller.abort(new Error("cancelled by the test"));
      return Promise.resolve();
    };
    await refused(runtime, "load", () => runtime.load(path, { signal: controller.signal }), (e) => {
      assert.match(String(e), /cancelled by the test/);
    });
    assert.ok(written, "the extraction never started");
  });

  it("a cancelled import stops and removes its spooled layer", async () => {
    const path = await bigTar("cancel-import.tar");
    const fs = new PhasedFileSystem((file) => /\/\.stevedore-import-[^/]+$/.test(file));
    const runtime = await open({ fs });
    const controller = new AbortController();
    fs.onFirstWrite = () => {
      controller.abort(new Error("cancelled by the test"));
      return Promise.resolve();
    };
    await refused(
      runtime,
      "import",
      () => runtime.importImage(path, { signal: controller.signal }),
      (error) => assert.match(String(error), /cancelled by the test/),
    );
  });
});

/**
 * Uploads `total` bytes of which only the first `sent` are written, then destroys the
 * connection once `phase` resolves; resolves when the socket is closed.
 */
function abortedUpload(
  url: string,
  path: string,
  body: Uint8Array,
  sent: number,
  phase: Promise<void>,
): Promise<void> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const req = request({
      hostname,
      port,
      path,
      method: "POST",
      headers: { "Content-Type": "application/x-tar", "Content-Length": String(body.length) },
    });
    req.on("error", () => {});
    req.on("close", () => resolve());
    req.write(body.subarray(0, sent));
    phase.then(() => req.destroy());
  });
}

describe("hostile archives: a client that disconnects", () => {
  for (
    const [route, method] of [["/images/load", "load"], [
      "/images/create?fromSrc=-",
      "importImage",
    ]] as const
  ) {
    it(`stops ${route} mid-upload and removes what it wrote`, async () => {
      const body = await env.fs.readFile(await bigTar(`disconnect-${method}.tar`));
      // A load extracts the upload as it arrives; an import spools its layer.
      const watch = method === "load" ? /\/\.stevedore-load-[^/]+\/big$/ : /\/\.stevedore-import-/;
      const fs = new PhasedFileSystem((file) => watch.test(file));
      const runtime = await open({ fs });
      let reached!: () => void;
      const phase = new Promise<void>((resolve) => reached = resolve);
      fs.onFirstWrite = () => {
        reached();
        return Promise.resolve();
      };
      let work: Promise<unknown> | undefined;
      let started!: () => void;
      const running = new Promise<void>((resolve) => started = resolve);
      const original = runtime[method].bind(runtime) as (...args: unknown[]) => Promise<unknown>;
      (runtime as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
        work = original(...args);
        started();
        return work;
      };
      const before = await storeFingerprint(runtimeParts(runtime).store.root);
      const server = createServerApp(runtime);
      const listener = await listenHttp(server.app.fetch, { hostname: "127.0.0.1", port: 0 });
      try {
        await settles(abortedUpload(listener.url, route, body, 1024 * 1024, phase), "upload");
        await settles(running, "the server's work");
        await settles(work!.then(() => assert.fail("the work succeeded"), () => {}), route);
        assert.deepEqual(await storeFingerprint(runtimeParts(runtime).store.root), before);
        assert.deepEqual(await tmpEntries(runtimeParts(runtime).store.root), []);
      } finally {
        server.close();
        await listener.close();
      }
    });
  }

  it("stops /images/load during extraction when the client goes away", async () => {
    const body = await env.fs.readFile(await bigTar("disconnect-extract.tar"));
    const fs = new PhasedFileSystem((file) => /\/\.stevedore-load-[^/]+\/big$/.test(file));
    const runtime = await open({ fs });
    let signal: AbortSignal | undefined;
    let work: Promise<unknown> | undefined;
    const original = runtime.load.bind(runtime);
    runtime.load = (input, options) => {
      signal = options?.signal;
      work = original(input, options);
      return work as Promise<string[]>;
    };
    let reached!: () => void;
    const phase = new Promise<void>((resolve) => reached = resolve);
    // Extraction waits at its first write until the disconnect has reached the load.
    fs.onFirstWrite = async () => {
      reached();
      await settles(
        new Promise<void>((resolve) => {
          if (signal?.aborted) resolve();
          signal?.addEventListener("abort", () => resolve(), { once: true });
        }),
        "the disconnect reaching the load",
      );
    };
    const before = await storeFingerprint(runtimeParts(runtime).store.root);
    const server = createServerApp(runtime);
    const listener = await listenHttp(server.app.fetch, { hostname: "127.0.0.1", port: 0 });
    try {
      await settles(
        abortedUpload(listener.url, "/images/load", body, body.length, phase),
        "upload",
      );
      await settles(work!.then(() => assert.fail("the load succeeded"), () => {}), "load");
      assert.equal(signal?.aborted, true);
      assert.deepEqual(await storeFingerprint(runtimeParts(runtime).store.root), before);
      assert.deepEqual(await tmpEntries(runtimeParts(runtime).store.root), []);
    } finally {
      server.close();
      await listener.close();
    }
  });
});
