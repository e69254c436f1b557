// Sizes next to podman's: the same image pulled by both reports the same size (layers
// uncompressed, plus the config and manifests, as containers/storage counts it), in
// `images` and `inspect`. Where podman is missing, the figure is checked against the
// image's own uncompressed layers.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import {
  type RandomImage,
  randomImage,
  type RandomIndex,
  randomMultiArch,
} from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { type CliResult, runCli } from "./_cli.ts";
import { hasPodman, podmanTestEnv, runPodman } from "./_podman.ts";

describe("sizes next to podman", () => {
  let registry: RegistryServer;
  let dir: string;
  let env: Record<string, string>;
  let image: RandomImage;
  let list: RandomIndex;

  const stevedore = (args: string[]): CliResult =>
    runCli(["--root", join(dir, "stevedore"), ...args], env);

  const podman = (args: string[]): CliResult => runPodman(dir, env, args);

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-podman-sizes-"));
    env = await podmanTestEnv(dir, registry.registry);
    const memory = memoryTransport();
    // Text-like layers compress well: the compressed and uncompressed sizes differ a lot.
    image = randomImage({ layers: 2, layerSize: 60_000 });
    memory.store.add("sized:v1", image);
    await copyBetween(memory.parse("sized:v1"), `docker://${registry.registry}/sized:v1`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
    });
    list = randomMultiArch({ layers: 1, layerSize: 30_000 });
    memory.store.add("multi:v1", list);
    await copyBetween(memory.parse("multi:v1"), `docker://${registry.registry}/multi:v1`, {
      context: { fs: new NodeFileSystem(), tlsVerify: false },
      all: true,
    });
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** The `Size` of the one image `images --format json` lists. */
  function listedSize(result: CliResult, who: string): number {
    assert.equal(result.code, 0, `${who}: ${result.stderr}`);
    const rows = JSON.parse(result.stdout) as { Size: number }[];
    assert.equal(rows.length, 1, who);
    return rows[0].Size;
  }

  it("reports the size podman reports for the same pulled image", () => {
    const name = `${registry.registry}/sized:v1`;
    assert.equal(stevedore(["pull", "-q", name]).code, 0);
    const ours = listedSize(stevedore(["images", "--format", "json"]), "stevedore");
    const inspected = stevedore(["inspect", "--format", "{{.Size}}", name]);
    assert.equal(Number(inspected.stdout.trim()), ours);
    const uncompressed = image.layers.reduce((sum, layer) => sum + layer.tar.length, 0);
    // The config and the manifest, which containers/storage keeps under two keys.
    const overhead = image.config.size + 2 * image.manifest.bytes.length;
    if (!hasPodman) {
      assert.equal(ours, uncompressed + overhead);
      return;
    }
    assert.equal(podman(["pull", "-q", name]).code, 0);
    const theirs = listedSize(podman(["images", "--format", "json"]), "podman");
    assert.equal(ours, uncompressed + overhead);
    assert.equal(ours, theirs, `stevedore ${ours}, podman ${theirs}`);
  });

  it("records a list pulled by tag as podman does: digests, repo digests and size", () => {
    const name = `${registry.registry}/multi:v1`;
    const pick = ["--arch", "arm64", "--variant", "v8"];
    assert.equal(stevedore(["pull", "-q", ...pick, name]).code, 0);
    const instance = list.images[1];
    const fields = (result: CliResult, who: string) => {
      assert.equal(result.code, 0, `${who}: ${result.stderr}`);
      const [data] = JSON.parse(result.stdout);
      return { Digest: data.Digest, RepoDigests: [...data.RepoDigests].sort(), Size: data.Size };
    };
    const ours = fields(stevedore(["inspect", name]), "stevedore");
    const repo = `${registry.registry}/multi`;
    // podman reports the list's digest as the image's, and both as repo digests.
    assert.equal(ours.Digest, list.manifest.digest);
    assert.deepEqual(
      ours.RepoDigests,
      [`${repo}@${instance.manifest.digest}`, `${repo}@${list.manifest.digest}`].sort(),
    );
    const byList = stevedore(["inspect", `${repo}@${list.manifest.digest}`]);
    assert.equal(fields(byList, "stevedore by list digest").Digest, list.manifest.digest);
    if (!hasPodman) return;
    assert.equal(podman(["pull", "-q", ...pick, name]).code, 0);
    const theirs = fields(podman(["inspect", name]), "podman");
    assert.deepEqual(ours, theirs);
    const podmanByList = podman(["inspect", `${repo}@${list.manifest.digest}`]);
    assert.equal(fields(podmanByList, "podman by list digest").Digest, theirs.Digest);
  });
});
