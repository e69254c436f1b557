// `--tls-verify=false` against an HTTPS registry with a self-signed certificate (the real
// distribution registry), through the real command line: podman skips the certificate
// checks there, and so do we; without the flag the certificate is checked.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { RegistryClient } from "../../src/registry/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { type RandomImage, randomImage } from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { runCli } from "./_cli.ts";

describe("--tls-verify=false with a self-signed HTTPS registry", () => {
  let registry: RegistryServer;
  let dir: string;
  let conf: string;
  let image: RandomImage;

  const cli = (root: string, ...args: string[]) =>
    runCli(["--root", join(dir, root), "--registries-conf", conf, ...args], { HOME: dir });

  before(async () => {
    registry = await startRegistry({ tls: true });
    dir = await mkdtemp(join(tmpdir(), "stevedore-cli-tls-"));
    conf = join(dir, "registries.conf");
    await writeFile(conf, "");
    image = randomImage({ layers: 2, layerSize: 2048 });
    const memory = memoryTransport();
    memory.store.add("app", image);
    await copyBetween(memory.parse("app"), `docker://${registry.registry}/tls/app:1`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("pulls and pushes with the flag", async () => {
    const host = registry.registry;
    const pull = cli("store", "pull", "--tls-verify=false", "--retry=0", `${host}/tls/app:1`);
    assert.equal(pull.code, 0, pull.stderr);
    assert.equal(pull.stdout, `${image.config.digest.slice("sha256:".length)}\n`);

    const push = cli(
      "store",
      "push",
      "--tls-verify=false",
      "--retry=0",
      `${host}/tls/app:1`,
      `${host}/tls/copy:2`,
    );
    assert.equal(push.code, 0, push.stderr);
    const client = new RegistryClient({ registry: host, insecure: true });
    const pushed = await client.getManifest("tls/copy", "2");
    assert.equal(pushed.digest, (await client.getManifest("tls/app", "1")).digest);
  });

  it("checks the certificate without the flag, naming the registry", () => {
    const pull = cli("other", "pull", "--retry=0", `${registry.registry}/tls/app:1`);
    assert.notEqual(pull.code, 0);
    assert.ok(pull.stderr.includes(registry.registry), pull.stderr);
    assert.match(pull.stderr, /certificate/i);
    const images = cli("other", "images", "--quiet");
    assert.equal(images.code, 0, images.stderr);
    assert.equal(images.stdout, "");
  });
});
