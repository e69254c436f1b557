// `stevedore manifest add --artifact` as podman 5 has it: a real child process, a real
// registry, and skopeo reading what `manifest push` wrote.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { sha256, skopeoRaw } from "../runtime/_manifest_fixtures.ts";
import { runCli, storeFlags } from "./_cli.ts";

const TITLE = "org.opencontainers.image.title";

type Descriptor = {
  mediaType: string;
  digest: string;
  size: number;
  artifactType?: string;
  annotations?: Record<string, string>;
  platform?: { os: string; architecture: string };
};

describe("stevedore manifest add --artifact", () => {
  let registry: RegistryServer;
  let dir: string;
  let env: Record<string, string>;

  const cli = (...args: string[]) => runCli([...storeFlags(dir), ...args], env);

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-artifact-cli-"));
    await writeFile(join(dir, "registries.conf"), "unqualified-search-registries = []\n");
    await writeFile(join(dir, "listed.txt"), "oh yeah\n");
    await writeFile(join(dir, "zeroes"), new Uint8Array(50_000));
    await writeFile(join(dir, "config.json"), '{"a":1}');
    env = { HOME: dir, XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "config") };
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("adds an artifact, inspects it and pushes it with the list", () => {
    const created = cli("manifest", "create", "arts:v1");
    assert.equal(created.code, 0, created.stderr);
    const id = created.stdout.trim();
    const added = cli(
      "manifest",
      "add",
      "--artifact",
      "--artifact-type",
      "application/vnd.example.docs",
      "--annotation",
      "k=v",
      "--os",
      "linux",
      "--arch",
      "amd64",
      "arts:v1",
      join(dir, "listed.txt"),
      join(dir, "zeroes"),
    );
    assert.equal(added.code, 0, added.stderr);
    assert.equal(added.stdout, `${id}\n`);
    const inspected = cli("manifest", "inspect", "arts:v1");
    assert.equal(inspected.code, 0, inspected.stderr);
    const data = JSON.parse(inspected.stdout) as { mediaType: string; manifests: Descriptor[] };
    assert.equal(data.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.equal(data.manifests.length, 1);
    const entry = data.manifests[0];
    assert.equal(entry.artifactType, "application/vnd.example.docs");
    assert.deepEqual(entry.annotations, { k: "v" });
    assert.deepEqual(entry.platform, { os: "linux", architecture: "amd64" });

    const second = cli(
      "manifest",
      "add",
      "--artifact",
      "--artifact-config",
      join(dir, "config.json"),
      "--artifact-layer-type",
      "application/x-example",
      "--artifact-exclude-titles",
      "arts:v1",
      join(dir, "listed.txt"),
    );
    assert.equal(second.code, 0, second.stderr);

    const dest = `${registry.registry}/cli/arts:v1`;
    const pushed = cli("manifest", "push", "--tls-verify=false", "arts:v1", dest);
    assert.equal(pushed.code, 0, pushed.stderr);
    const index = JSON.parse(skopeoRaw(dest)) as { manifests: Descriptor[] };
    assert.equal(sha256(skopeoRaw(dest)), pushed.stdout.trim());
    assert.equal(index.manifests.length, 2);

    const first = skopeoRaw(`${registry.registry}/cli/arts@${index.manifests[0].digest}`);
    assert.equal(sha256(first), index.manifests[0].digest);
    const artifact = JSON.parse(first);
    assert.equal(artifact.artifactType, "application/vnd.example.docs");
    assert.equal(artifact.config.mediaType, "application/vnd.oci.empty.v1+json");
    assert.deepEqual(
      artifact.layers.map((l: Descriptor) => [l.mediaType, l.digest, l.annotations?.[TITLE]]),
      [
        ["text/plain", sha256("oh yeah\n"), "listed.txt"],
        ["application/octet-stream", sha256(new Uint8Array(50_000)), "zeroes"],
      ],
    );
    const other = JSON.parse(
      skopeoRaw(`${registry.registry}/cli/arts@${index.manifests[1].digest}`),
    );
    assert.equal(other.artifactType, "application/vnd.unknown.artifact.v1");
    assert.deepEqual(other.config, {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: sha256('{"a":1}'),
      size: 7,
      data: btoa('{"a":1}'),
    });
    assert.deepEqual(other.layers, [{
      mediaType: "application/x-example",
      digest: sha256("oh yeah\n"),
      size: 8,
    }]);
  });

  it("refuses artifact flags without --artifact, and missing files, naming them", () => {
    assert.equal(cli("manifest", "create", "bad:v1").code, 0);
    const before = cli("manifest", "inspect", "bad:v1").stdout;
    const noFlag = cli("manifest", "add", "--artifact-type", "x/y", "bad:v1", "some/image");
    assert.notEqual(noFlag.code, 0);
    assert.match(noFlag.stderr, /--artifact-type.*requires --artifact/);
    const missing = join(dir, "missing.txt");
    const noFile = cli("manifest", "add", "--artifact", "bad:v1", join(dir, "listed.txt"), missing);
    assert.notEqual(noFile.code, 0);
    assert.equal(noFile.stderr, `Error: Cannot add artifact file "${missing}": no such file\n`);
    const noDir = cli("manifest", "add", "--artifact", "bad:v1", dir);
    assert.equal(noDir.stderr, `Error: Cannot add artifact file "${dir}": not a regular file\n`);
    const noConfig = cli(
      "manifest",
      "add",
      "--artifact",
      "--artifact-config",
      missing,
      "bad:v1",
      join(dir, "listed.txt"),
    );
    assert.equal(noConfig.stderr, `Error: Cannot add artifact file "${missing}": no such file\n`);
    assert.equal(cli("manifest", "inspect", "bad:v1").stdout, before);
  });
});
