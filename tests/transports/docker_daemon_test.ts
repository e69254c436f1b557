import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import {
  ConfigError,
  InvalidReferenceError,
  ManifestUnknownError,
  RegistryError,
} from "../../src/errors.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { dockerArchiveTransport } from "../../src/transports/docker_archive/mod.ts";
import {
  DEFAULT_DOCKER_HOST,
  dockerDaemonTransport,
  dockerEngineEndpoint,
} from "../../src/transports/docker_daemon/mod.ts";
import { parseImageReference } from "../../src/transports/transport_table.ts";
import { ociTransport } from "../../src/transports/oci/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";

const fs = new NodeFileSystem();

interface Loaded {
  repoTags: string[];
  config: string;
  diffIds: string[];
}

/** A fake Docker Engine: `/_ping`, `GET /images/{name}/get`, `POST /images/load`. */
class FakeEngine {
  readonly images = new Map<string, Uint8Array>();
  readonly loaded: Loaded[] = [];
  readonly paths: string[] = [];
  apiVersion: string | undefined = "1.45";
  loadError: string | undefined;
  server: Server;
  #uploads = 0;

  constructor(readonly dir: string) {
    this.server = createServer((req, res) => {
      this.#handle(req, res).catch((error) => {
        res.writeHead(500, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ message: String(error) }));
      });
    });
  }

  listen(target: string | number): Promise<void> {
    return new Promise((resolve) => {
      if (typeof target === "string") this.server.listen(target, () => resolve());
      else this.server.listen(target, "127.0.0.1", () => resolve());
    });
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url!, "http://engine");
    this.paths.push(`${req.method} ${url.pathname}`);
    const headers: Record<string, string> = { "Content-Type": "application/json" };
    if (this.apiVersion !== undefined) headers["Api-Version"] = this.apiVersion;
    if (url.pathname === "/_ping") {
      res.writeHead(200, { ...headers, "Content-Type": "text/plain" });
      res.end("OK");
      return;
    }
    const path = url.pathname.replace(/^\/v\d+\.\d+(?=\/)/, "");
    const get = /^\/images\/(.+)\/get$/.exec(path);
    if (req.method === "GET" && get !== null) {
      const archive = this.images.get(decodeURIComponent(get[1]));
      if (archive === undefined) {
        res.writeHead(404, headers);
        res.end(JSON.stringify({ message: `reference does not exist: ${get[1]}` }));
        return;
      }
      res.writeHead(200, { ...headers, "Content-Type": "application/x-tar" });
      for (let offset = 0; offset < archive.length; offset += 3000) {
        res.write(archive.subarray(offset, offset + 3000));
      }
      res.end();
      return;
    }
    if (req.method === "POST" && path === "/images/load") {
      const chunks: Uint8Array[] = [];
      for await (const chunk of req) chunks.push(chunk);
      if (this.loadError !== undefined) {
        res.writeHead(200, headers);
        res.end(
          JSON.stringify({ errorDetail: { message: this.loadError }, error: this.loadError }) +
            "\n",
        );
        return;
      }
      const file = join(this.dir, `upload-${this.#uploads++}.tar`);
      await writeFile(file, Buffer.concat(chunks));
      const source = await dockerArchiveTransport.parse(file).newSource({ fs, tmpDir: this.dir });
      try {
        const manifest = JSON.parse(new TextDecoder().decode((await source.getManifest()).bytes));
        const repoTags = (source as unknown as { repoTags: string[] }).repoTags;
        this.loaded.push({
          repoTags,
          config: manifest.config.digest,
          diffIds: manifest.layers.map((layer: { digest: string }) => layer.digest),
        });
        res.writeHead(200, headers);
        res.end(
          repoTags.map((tag) => JSON.stringify({ stream: `Loaded image: ${tag}\n` }) + "\n").join(
            "",
          ),
        );
      } finally {
        await source.close();
        await rm(file);
      }
      return;
    }
    res.writeHead(404, headers);
    res.end(JSON.stringify({ message: "page not found" }));
  }
}

/** A docker-archive tar of `image` tagged `tag`, built with our own transports. */
async function archiveOf(image: RandomImage, tag: string, dir: string): Promise<Uint8Array> {
  const memory = memoryTransport();
  memory.store.add("src", image);
  const path = join(dir, `${crypto.randomUUID()}.tar`);
  await copyBetween(memory.parse("src"), dockerArchiveTransport.parse(`${path}:${tag}`), {
    context: { fs, tmpDir: dir },
  });
  const bytes = await readFile(path);
  await rm(path);
  return new Uint8Array(bytes);
}

async function ociImage(layout: string): Promise<{ config: string; diffIds: string[] }> {
  const index = JSON.parse(await readFile(join(layout, "index.json"), "utf8"));
  const digest: string = index.manifests[0].digest;
  const manifest = JSON.parse(
    await readFile(join(layout, "blobs/sha256", digest.slice(7)), "utf8"),
  );
  const config = JSON.parse(
    await readFile(join(layout, "blobs/sha256", manifest.config.digest.slice(7)), "utf8"),
  );
  return { config: manifest.config.digest, diffIds: config.rootfs.diff_ids };
}

function diffIdsOf(image: RandomImage): string[] {
  return image.layers.map((layer) => layer.diffId);
}

describe("docker-daemon references", () => {
  it("parses name:tag, name@digest and image IDs, normalized to docker.io", () => {
    const ref = dockerDaemonTransport.parse("alpine:3");
    assert.equal(ref.toString(), "docker-daemon:alpine:3");
    assert.equal(ref.dockerReference, "docker.io/library/alpine:3");
    const digest = `sha256:${"a".repeat(64)}`;
    const pinned = parseImageReference(`docker-daemon:quay.io/x/y@${digest}`)!;
    assert.equal(pinned.transport.name, "docker-daemon");
    assert.equal(pinned.withinTransport, `quay.io/x/y@${digest}`);
    assert.equal(pinned.dockerReference, `quay.io/x/y@${digest}`);
    const id = dockerDaemonTransport.parse(digest);
    assert.equal(id.withinTransport, digest);
    assert.equal(id.dockerReference, undefined);
    assert.equal(
      dockerDaemonTransport.parse("docker.io/library/busybox:latest").withinTransport,
      "busybox:latest",
    );
  });

  it("refuses a missing tag and other malformed references", () => {
    assert.throws(() => parseImageReference("docker-daemon:alpine"), (error) => {
      assert.ok(error instanceof InvalidReferenceError);
      assert.match(error.message, /docker-daemon:alpine.*lacks a tag/);
      return true;
    });
    for (
      const bad of [
        "",
        "Alpine:1",
        `alpine:1@sha256:${"b".repeat(64)}`,
        `sha512:${"c".repeat(128)}`,
        "sha256:abc",
        "a".repeat(64),
      ]
    ) {
      assert.throws(() => dockerDaemonTransport.parse(bad), InvalidReferenceError, bad);
    }
  });

  it("refuses destinations that are not name:tag", async () => {
    const digest = `sha256:${"d".repeat(64)}`;
    for (const within of [digest, `alpine@${digest}`]) {
      await assert.rejects(
        dockerDaemonTransport.parse(within).newDestination({ fs }),
        InvalidReferenceError,
      );
    }
  });

  it("reads DOCKER_HOST", () => {
    assert.equal(dockerEngineEndpoint({ fs }).host, DEFAULT_DOCKER_HOST);
    assert.equal(dockerEngineEndpoint({ fs }).socketPath, "/var/run/docker.sock");
    const unix = dockerEngineEndpoint({ fs, env: { DOCKER_HOST: "unix:///run/d.sock" } });
    assert.deepEqual([unix.socketPath, unix.baseUrl], ["/run/d.sock", "http://docker"]);
    const tcp = dockerEngineEndpoint({ fs, env: { DOCKER_HOST: "tcp://10.0.0.1" } });
    assert.equal(tcp.baseUrl, "http://10.0.0.1:2375");
    const tls = dockerEngineEndpoint({
      fs,
      env: { DOCKER_HOST: "tcp://h:1234", DOCKER_TLS_VERIFY: "1" },
    });
    assert.equal(tls.baseUrl, "https://h:1234");
    for (const host of ["ssh://user@host", "npipe:////./pipe/docker_engine", "bogus"]) {
      assert.throws(() => dockerEngineEndpoint({ fs, env: { DOCKER_HOST: host } }), ConfigError);
    }
  });
});

describe("docker-daemon transport against a fake engine", () => {
  let dir: string;
  let tmp: string;
  let engine: FakeEngine;
  let tcpEngine: FakeEngine;
  let image: RandomImage;
  let unixEnv: Record<string, string>;
  let tcpEnv: Record<string, string>;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stevedore-daemon-test-"));
    tmp = join(dir, "tmp");
    image = randomImage({ layers: 2, layerSize: 20000 });
    engine = new FakeEngine(dir);
    tcpEngine = new FakeEngine(dir);
    const archive = await archiveOf(image, "alpine:latest", dir);
    for (const e of [engine, tcpEngine]) {
      e.images.set("alpine:latest", archive);
      e.images.set(image.config.digest, archive);
    }
    await engine.listen(join(dir, "docker.sock"));
    await tcpEngine.listen(0);
    unixEnv = { DOCKER_HOST: `unix://${join(dir, "docker.sock")}` };
    tcpEnv = { DOCKER_HOST: `tcp://127.0.0.1:${tcpEngine.port}` };
  });

  after(async () => {
    await engine.close();
    await tcpEngine.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function leftovers(): Promise<string[]> {
    return (await readdir(tmp).catch(() => [])).map(String);
  }

  for (const kind of ["unix", "tcp"] as const) {
    it(`copies docker-daemon: to oci: over ${kind}`, async () => {
      const env = kind === "unix" ? unixEnv : tcpEnv;
      const layout = join(dir, `out-${kind}`);
      await copyBetween("docker-daemon:alpine:latest", `oci:${layout}:v1`, {
        context: { fs, env, tmpDir: tmp },
      });
      const copied = await ociImage(layout);
      assert.equal(copied.config, image.config.digest);
      assert.deepEqual(copied.diffIds, diffIdsOf(image));
      assert.deepEqual(await leftovers(), []);
      const used = kind === "unix" ? engine : tcpEngine;
      assert.ok(used.paths.includes("GET /v1.45/images/alpine:latest/get"), used.paths.join());
    });

    it(`copies oci: to docker-daemon: over ${kind}`, async () => {
      const env = kind === "unix" ? unixEnv : tcpEnv;
      const used = kind === "unix" ? engine : tcpEngine;
      const layout = join(dir, `in-${kind}`);
      const memory = memoryTransport();
      memory.store.add("src", image);
      await copyBetween(memory.parse("src"), ociTransport.parse(`${layout}:v1`), {
        context: { fs },
      });
      const before = used.loaded.length;
      await copyBetween(`oci:${layout}:v1`, `docker-daemon:example.com/app:v2`, {
        context: { fs, env, tmpDir: tmp },
      });
      assert.equal(used.loaded.length, before + 1);
      assert.deepEqual(used.loaded.at(-1), {
        repoTags: ["example.com/app:v2"],
        config: image.config.digest,
        diffIds: diffIdsOf(image),
      });
      assert.deepEqual(await leftovers(), []);
    });
  }

  it("reads an image by ID", async () => {
    const layout = join(dir, "by-id");
    await copyBetween(`docker-daemon:${image.config.digest}`, `oci:${layout}:v1`, {
      context: { fs, env: unixEnv, tmpDir: tmp },
    });
    assert.equal((await ociImage(layout)).config, image.config.digest);
  });

  it("reports an unknown image as ManifestUnknownError naming it", async () => {
    await assert.rejects(
      copyBetween("docker-daemon:nothere:1", `oci:${join(dir, "never")}:v1`, {
        context: { fs, env: unixEnv, tmpDir: tmp },
      }),
      (error) => {
        assert.ok(error instanceof ManifestUnknownError);
        assert.match(error.message, /docker-daemon:nothere:1/);
        return true;
      },
    );
    assert.deepEqual(await leftovers(), []);
  });

  it("names DOCKER_HOST when the engine cannot be reached", async () => {
    for (
      const host of [`unix://${join(dir, "missing.sock")}`, "tcp://127.0.0.1:1"]
    ) {
      await assert.rejects(
        dockerDaemonTransport.parse("alpine:latest").newSource({
          fs,
          env: { DOCKER_HOST: host },
          tmpDir: tmp,
        }),
        (error) => {
          assert.ok(error instanceof RegistryError, String(error));
          assert.equal(error.status, 0);
          assert.ok(error.message.includes(host), error.message);
          assert.match(error.message, /DOCKER_HOST/);
          return true;
        },
      );
    }
  });

  it("fails on a load errorDetail and reports nothing loaded", async () => {
    const layout = join(dir, "in-fail");
    const memory = memoryTransport();
    memory.store.add("src", image);
    await copyBetween(memory.parse("src"), ociTransport.parse(`${layout}:v1`), {
      context: { fs },
    });
    const before = engine.loaded.length;
    engine.loadError = "no space left on device";
    try {
      await assert.rejects(
        copyBetween(`oci:${layout}:v1`, "docker-daemon:app:v1", {
          context: { fs, env: unixEnv, tmpDir: tmp },
        }),
        (error) => {
          assert.ok(error instanceof RegistryError);
          assert.match(error.message, /no space left on device/);
          return true;
        },
      );
    } finally {
      engine.loadError = undefined;
    }
    assert.equal(engine.loaded.length, before);
    assert.deepEqual(await leftovers(), []);
  });

  it("honours DOCKER_API_VERSION and engines without Api-Version", async () => {
    const pathsBefore = engine.paths.length;
    const source = await dockerDaemonTransport.parse("alpine:latest").newSource({
      fs,
      env: { ...unixEnv, DOCKER_API_VERSION: "1.41" },
      tmpDir: tmp,
    });
    await source.close();
    assert.deepEqual(engine.paths.slice(pathsBefore), ["GET /v1.41/images/alpine:latest/get"]);
    engine.apiVersion = undefined;
    try {
      const plain = await dockerDaemonTransport.parse("alpine:latest").newSource({
        fs,
        env: unixEnv,
        tmpDir: tmp,
      });
      await plain.close();
    } finally {
      engine.apiVersion = "1.45";
    }
    assert.deepEqual(engine.paths.slice(-2), ["GET /_ping", "GET /images/alpine:latest/get"]);
    assert.deepEqual(await leftovers(), []);
  });
});
