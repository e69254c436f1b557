// `stevedore copy` as skopeo users run it: a real child process, a real registry, and
// skopeo reading what it wrote.
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from "node:fs/promises";
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
  tarOf,
} from "../helpers/random_image.ts";
import { type RegistryServer, startRegistry } from "../helpers/registry_server.ts";
import { skopeo } from "../transports/_helpers.ts";
import { runCli, storeFlags } from "./_cli.ts";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";

/** The raw manifest skopeo reads at `reference`, with its digest and parsed form. */
function rawManifest(...args: string[]): {
  digest: string;
  json: { mediaType?: string; config: { digest: string }; layers: unknown[] };
} {
  const raw = skopeo("inspect", "--raw", ...args);
  return {
    digest: `sha256:${createHash("sha256").update(raw).digest("hex")}`,
    json: JSON.parse(raw),
  };
}

async function exists(path: string): Promise<boolean> {
  return await stat(path).then(() => true, () => false);
}

describe("stevedore copy", () => {
  let registry: RegistryServer;
  let dir: string;
  let env: Record<string, string>;
  let image: RandomImage;
  let multi: RandomIndex;
  let registriesD: string;

  const cliWith = (conf: string, ...args: string[]) =>
    runCli([...storeFlags(dir, conf), ...args], env);
  const cli = (...args: string[]) => cliWith(join(dir, "registries.conf"), ...args);
  const copy = (...args: string[]) => cli("copy", ...args);
  const reg = (name: string) => `docker://${registry.registry}/${name}`;

  before(async () => {
    registry = await startRegistry();
    dir = await mkdtemp(join(tmpdir(), "stevedore-copy-cli-"));
    // No `insecure = true`: the registry is reached by the --src/--dest-tls-verify flags.
    await writeFile(join(dir, "registries.conf"), "unqualified-search-registries = []\n");
    registriesD = join(dir, "registries.d");
    await mkdir(registriesD);
    await writeFile(
      join(registriesD, "test.yaml"),
      `docker:\n  ${registry.registry}:\n    use-sigstore-attachments: true\n`,
    );
    env = { HOME: dir, XDG_RUNTIME_DIR: join(dir, "run"), XDG_CONFIG_HOME: join(dir, "config") };
    const memory = memoryTransport();
    image = randomImage({ layers: 2, layerSize: 50_000 });
    memory.store.add("demo:v1", image);
    multi = randomMultiArch({ layers: 1, layerSize: 2000 });
    memory.store.add("multi:v1", multi);
    for (const name of ["demo:v1", "multi:v1"]) {
      await copyBetween(memory.parse(name), reg(name), {
        context: { fs: new NodeFileSystem(), tlsVerify: false },
        all: true,
      });
    }
  });

  after(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("is listed in --help and has its own help", () => {
    const top = cli("--help");
    assert.match(top.stdout, /\n {2}copy +Copy an image from one location to another\n/);
    const help = copy("--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /stevedore copy \[options\] SOURCE-IMAGE DESTINATION-IMAGE/);
    assert.match(help.stdout, /--src-tls-verify/);
    assert.match(help.stdout, /--preserve-digests/);
  });

  it("round-trips registry -> oci: -> docker-archive: -> registry, digests checked", async () => {
    const layout = join(dir, "rt-layout");
    const archive = join(dir, "rt.tar");
    const digests = join(dir, "rt-digests");
    await mkdir(digests);
    let result = copy(
      "--src-tls-verify=false",
      "--digestfile",
      join(digests, "1"),
      reg("demo:v1"),
      `oci:${layout}:v1`,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, "");
    assert.match(result.stderr, /^Getting image source signatures\n/);
    assert.match(result.stderr, /\nCopying blob sha256:[0-9a-f]{64}\n/);
    assert.match(
      result.stderr,
      new RegExp(`Copying config ${image.config.digest}\nWriting manifest to image destination\n`),
    );
    // Unchanged: the same manifest bytes as the registry's.
    const inOci = rawManifest(`oci:${layout}:v1`);
    assert.equal(inOci.digest, image.manifest.digest);
    assert.equal(await readFile(join(digests, "1"), "utf8"), image.manifest.digest);

    result = copy(
      "-q",
      "--digestfile",
      join(digests, "2"),
      `oci:${layout}:v1`,
      `docker-archive:${archive}:demo:v1`,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stderr, "", "--quiet prints nothing");
    const inArchive = rawManifest(`docker-archive:${archive}`);
    assert.equal(inArchive.json.mediaType, DOCKER_MANIFEST);
    assert.equal(inArchive.json.config.digest, image.config.digest);
    // A docker-archive keeps no manifest (skopeo makes one up): the digest written is ours.
    assert.match(await readFile(join(digests, "2"), "utf8"), /^sha256:[0-9a-f]{64}$/);

    result = copy(
      "--dest-tls-verify=false",
      "--digestfile",
      join(digests, "3"),
      `docker-archive:${archive}`,
      reg("roundtrip:v1"),
    );
    assert.equal(result.code, 0, result.stderr);
    const back = rawManifest("--tls-verify=false", reg("roundtrip:v1"));
    assert.equal(back.json.config.digest, image.config.digest);
    assert.equal(back.json.layers.length, 2);
    assert.equal(await readFile(join(digests, "3"), "utf8"), back.digest);
    // skopeo reads both files whole (every blob checked against its digest).
    skopeo("copy", "-q", `oci:${layout}:v1`, `dir:${join(dir, "rt-skopeo-oci")}`);
    skopeo("copy", "-q", `docker-archive:${archive}`, `dir:${join(dir, "rt-skopeo-archive")}`);
  });

  it("--format oci / v2s2 chooses the manifest type written, --digestfile its digest", async () => {
    // The source is OCI: v2s2 converts it, then oci converts it back; without --format
    // the type is kept.
    const v2s2 = `dir:${join(dir, "format-v2s2")}`;
    const oci = `dir:${join(dir, "format-oci")}`;
    const steps: [string, string, string | undefined, string][] = [
      [reg("demo:v1"), v2s2, "v2s2", DOCKER_MANIFEST],
      [v2s2, oci, "oci", OCI_MANIFEST],
      [v2s2, reg("format:v2s2"), undefined, DOCKER_MANIFEST],
      [reg("format:v2s2"), reg("format:oci"), "oci", OCI_MANIFEST],
    ];
    for (const [index, [from, to, format, type]] of steps.entries()) {
      const digestFile = join(dir, `format-digest-${index}`);
      const result = copy(
        "-q",
        "--src-tls-verify=false",
        "--dest-tls-verify=false",
        "--digestfile",
        digestFile,
        ...(format === undefined ? [] : ["--format", format]),
        from,
        to,
      );
      assert.equal(result.code, 0, result.stderr);
      const written = rawManifest(...(to.startsWith("docker:") ? ["--tls-verify=false"] : []), to);
      assert.equal(written.json.mediaType, type, `${from} -> ${to}`);
      assert.equal(written.json.config.digest, image.config.digest);
      assert.equal(await readFile(digestFile, "utf8"), written.digest);
    }
  });

  it("--preserve-digests copies an unchanged manifest and refuses one that changes", async () => {
    const kept = `oci:${join(dir, "preserve-ok")}:v1`;
    let result = copy("-q", "--src-tls-verify=false", "--preserve-digests", reg("demo:v1"), kept);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(rawManifest(kept).digest, image.manifest.digest);
    const archive = join(dir, "preserve.tar");
    result = copy(
      "-q",
      "--src-tls-verify=false",
      "--preserve-digests",
      "--digestfile",
      join(dir, "preserve-digest"),
      reg("demo:v1"),
      `docker-archive:${archive}`,
    );
    assert.equal(result.code, 125);
    assert.match(
      result.stderr,
      /^Error: Cannot convert manifest ".*demo:v1@sha256:[0-9a-f]{64}" to "application\/vnd\.docker\.distribution\.manifest\.v2\+json": the copy would change the manifest digest to sha256:[0-9a-f]{64}, and the digests must be preserved\n$/,
    );
    assert.equal(await exists(archive), false, "no archive is left behind");
    assert.equal(await exists(join(dir, "preserve-digest")), false);
  });

  it("--multi-arch all copies the list; otherwise one instance, --override-* choosing it", () => {
    const all = `oci:${join(dir, "multi-all")}:v1`;
    let result = copy("-q", "--src-tls-verify=false", "--multi-arch", "all", reg("multi:v1"), all);
    assert.equal(result.code, 0, result.stderr);
    const index = JSON.parse(skopeo("inspect", "--raw", all));
    assert.equal(index.mediaType, "application/vnd.oci.image.index.v1+json");
    assert.deepEqual(
      index.manifests.map((m: { digest: string }) => m.digest),
      multi.images.map((i) => i.manifest.digest),
    );
    const arm = `oci:${join(dir, "multi-arm")}:v1`;
    result = copy(
      "-q",
      "--src-tls-verify=false",
      "--override-arch",
      "arm",
      "--override-variant",
      "v7",
      reg("multi:v1"),
      arm,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(rawManifest(arm).digest, multi.images[2].manifest.digest);
    const host = `oci:${join(dir, "multi-host")}:v1`;
    result = copy(
      "-q",
      "--src-tls-verify=false",
      "--override-arch",
      "arm64",
      reg("multi:v1"),
      host,
    );
    assert.equal(result.code, 0, result.stderr);
    assert.equal(rawManifest(host).digest, multi.images[1].manifest.digest);
  });

  it("copies into and out of containers-storage: (the store of --root)", () => {
    let result = copy(
      "-q",
      "--src-tls-verify=false",
      reg("demo:v1"),
      "containers-storage:copied/demo:v1",
    );
    assert.equal(result.code, 0, result.stderr);
    const listed = cli("images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}");
    assert.match(
      listed.stdout,
      new RegExp(`docker.io/copied/demo:v1 ${image.config.digest.slice(7, 19)}`),
    );
    const out = `oci:${join(dir, "from-storage")}:v1`;
    result = copy("-q", "containers-storage:copied/demo:v1", out);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(rawManifest(out).json.config.digest, image.config.digest);
  });

  it("signs with --sign-by-sigstore-private-key; a policy requiring it accepts the copy, also after a move", async () => {
    const passphrase = join(dir, "pass");
    await writeFile(passphrase, "secret\n");
    const prefix = join(dir, "sigkey");
    const generated = cli(
      "generate-sigstore-key",
      "--output-prefix",
      prefix,
      "--passphrase-file",
      passphrase,
    );
    assert.equal(generated.code, 0, generated.stderr);
    const signed = copy(
      "-q",
      "--src-tls-verify=false",
      "--dest-tls-verify=false",
      "--registries.d",
      registriesD,
      "--sign-by-sigstore-private-key",
      `${prefix}.private`,
      "--sign-passphrase-file",
      passphrase,
      reg("demo:v1"),
      reg("signed/app:v1"),
    );
    assert.equal(signed.code, 0, signed.stderr);
    const policy = join(dir, "sigstore-policy.json");
    await writeFile(
      policy,
      JSON.stringify({
        default: [{ type: "insecureAcceptAnything" }],
        transports: {
          docker: {
            [registry.registry]: [{
              type: "sigstoreSigned",
              keyPath: `${prefix}.pub`,
              signedIdentity: {
                type: "exactRepository",
                dockerRepository: `${registry.registry}/signed/app`,
              },
            }],
          },
        },
      }),
    );
    const checked = ["--policy", policy, "--registries.d", registriesD, "--src-tls-verify=false"];
    // oci: cannot hold signatures: refused before anything is written, as skopeo refuses.
    const verifiedPath = join(dir, "verified");
    const kept = copy("-q", ...checked, reg("signed/app:v1"), `oci:${verifiedPath}:v1`);
    assert.equal(kept.code, 125);
    assert.match(
      kept.stderr,
      /^Error: Cannot read signatures "oci:.*verified:v1": the destination cannot store signatures; copy with removeSignatures\n$/,
    );
    assert.equal(await exists(verifiedPath), false);
    const verified = copy(
      "-q",
      ...checked,
      "--remove-signatures",
      reg("signed/app:v1"),
      `oci:${verifiedPath}:v1`,
    );
    assert.equal(verified.code, 0, verified.stderr);
    // The unsigned original is refused by the same policy, and --insecure-policy skips it.
    const refused = copy("-q", ...checked, reg("demo:v1"), `oci:${join(dir, "refused")}:v1`);
    assert.equal(refused.code, 125);
    assert.match(
      refused.stderr,
      /Source image rejected: A signature was required, but no signature exists/,
    );
    assert.equal(await exists(join(dir, "refused")), false);
    const skipped = copy(
      "-q",
      ...checked,
      "--insecure-policy",
      reg("demo:v1"),
      `oci:${join(dir, "skipped")}:v1`,
    );
    assert.equal(skipped.code, 0, skipped.stderr);
    // Between registries the signature moves with the image, and still verifies there.
    const moved = copy(
      "-q",
      ...checked,
      "--dest-tls-verify=false",
      reg("signed/app:v1"),
      reg("moved/app:v1"),
    );
    assert.equal(moved.code, 0, moved.stderr);
    const again = copy(
      "-q",
      ...checked,
      "--remove-signatures",
      reg("moved/app:v1"),
      `oci:${join(dir, "moved-verified")}:v1`,
    );
    assert.equal(again.code, 0, again.stderr);
    // --remove-signatures leaves them behind: the copy then fails the policy.
    const bare = copy(
      "-q",
      ...checked,
      "--dest-tls-verify=false",
      "--remove-signatures",
      reg("signed/app:v1"),
      reg("bare/app:v1"),
    );
    assert.equal(bare.code, 0, bare.stderr);
    const unverified = copy("-q", ...checked, reg("bare/app:v1"), `oci:${join(dir, "bare")}:v1`);
    assert.equal(unverified.code, 125);
    assert.match(unverified.stderr, /A signature was required, but no signature exists/);
  });

  it("refuses bad locations with an error naming them, exit code 125", async () => {
    const cases: [string[], RegExp][] = [
      [
        ["nope", "oci:/tmp/x"],
        /^Error: Cannot use "nope": invalid source name: expected colon-separated transport:reference\n$/,
      ],
      [
        ["foo:bar", "oci:/tmp/x"],
        /^Error: Cannot use "foo:bar": invalid source name: unknown transport "foo"\n$/,
      ],
      [
        [`oci:${dir}/x:v1`, "bogus:y"],
        /^Error: Cannot use "bogus:y": invalid destination name: unknown transport "bogus"\n$/,
      ],
      [["docker:alpine", "oci:/tmp/x"], /^Error: .*docker:alpine.*must start with "\/\/"\n$/],
      [["oci:/tmp/x"], /^Error: .*copy.*requires at least 2 arguments\n$/],
    ];
    for (const [args, pattern] of cases) {
      const result = copy(...args);
      assert.equal(result.code, 125, args.join(" "));
      assert.match(result.stderr, pattern, args.join(" "));
    }
    const missing = join(dir, "missing-layout");
    const target = join(dir, "never-written");
    const result = copy(`oci:${missing}:v1`, `oci:${target}:v1`);
    assert.equal(result.code, 125);
    assert.match(result.stderr, new RegExp(`missing-layout`));
    assert.equal(await exists(target), false);
    assert.equal(await exists(missing), false);
  });

  it("refuses a destination archive in a folder that does not exist, creating nothing", async () => {
    const source = `oci:${join(dir, "nodir-src")}:v1`;
    assert.equal(copy("-q", "--src-tls-verify=false", reg("demo:v1"), source).code, 0);
    const result = copy("-q", source, `docker-archive:${join(dir, "no-such-dir", "out.tar")}`);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /no-such-dir/);
    assert.equal(await exists(join(dir, "no-such-dir")), false);
  });

  it("leaves nothing behind when the source archive is truncated", async () => {
    const work = join(dir, "truncated");
    await mkdir(work);
    const archive = join(work, "src.tar");
    assert.equal(
      copy("-q", "--src-tls-verify=false", reg("demo:v1"), `oci-archive:${archive}`).code,
      0,
    );
    const { size } = await stat(archive);
    await truncate(archive, Math.floor(size / 2));
    const tmpBefore = await readdir(join(dir, "root", "tmp"));
    for (
      const destination of [
        `docker-archive:${join(work, "out.tar")}`,
        `oci:${join(work, "out")}:v1`,
        `oci-archive:${join(work, "out-oci.tar")}`,
      ]
    ) {
      const result = copy("-q", `oci-archive:${archive}`, destination);
      assert.equal(result.code, 125, destination);
      assert.match(result.stderr, /src\.tar/, destination);
      assert.deepEqual(await readdir(work), ["src.tar"], `${destination}: nothing left behind`);
      assert.deepEqual(await readdir(join(dir, "root", "tmp")), tmpBefore, "no temporary files");
    }
  });

  it("--additional-tag gives a docker-archive further tags, as skopeo reads them", async () => {
    const archive = join(dir, "tags.tar");
    const result = copy(
      "-q",
      "--src-tls-verify=false",
      "--additional-tag",
      "extra/one:v2",
      "--additional-tag",
      "quay.io/team/two:latest",
      reg("demo:v1"),
      `docker-archive:${archive}:demo:v1`,
    );
    assert.equal(result.code, 0, result.stderr);
    // Each tag names the image: skopeo finds the same config under all three.
    for (const tag of ["demo:v1", "extra/one:v2", "quay.io/team/two:latest"]) {
      const found = rawManifest(`docker-archive:${archive}:${tag}`);
      assert.equal(found.json.config.digest, image.config.digest, tag);
    }
    // An untagged name, a digest, or a destination other than docker-archive: refused.
    const refused: [string[], RegExp][] = [
      [["--additional-tag", "extra/one"], /extra\/one.*must be a tagged name/],
      [["--additional-tag", `a/b@${image.config.digest}`], /digest/],
      [["--additional-tag", "x/y:1", "--format", "oci"], /docker-archive destinations only/],
    ];
    for (const [flags, pattern] of refused) {
      const target = flags.includes("--format")
        ? `oci:${join(dir, "tags-refused")}:v1`
        : `docker-archive:${join(dir, "tags-refused.tar")}:demo:v1`;
      const failed = copy("--src-tls-verify=false", ...flags, reg("demo:v1"), target);
      assert.equal(failed.code, 125, flags.join(" "));
      assert.match(failed.stderr, pattern, flags.join(" "));
    }
    assert.equal(await exists(join(dir, "tags-refused")), false);
    assert.equal(await exists(join(dir, "tags-refused.tar")), false);
  });

  it("--dest-compress-level sets the gzip level of recompressed layers; --image-parallel-copies is taken", async () => {
    // An uncompressed, compressible layer in an OCI layout: compressing it is up to the flags.
    const text = new TextEncoder().encode("stevedore copies layers. ".repeat(8000));
    const plain = randomImage({ layerTars: [tarOf("words.txt", text)], compress: false });
    const memory = memoryTransport();
    memory.store.add("plain:v1", plain);
    const source = `oci:${join(dir, "plain-layout")}:v1`;
    await copyBetween(memory.parse("plain:v1"), source, {
      context: { fs: new NodeFileSystem(), ociAcceptUncompressedLayers: true },
    });
    const layerSize = (level: string) => {
      const target = `oci:${join(dir, `level-${level}`)}:v1`;
      const result = copy(
        "-q",
        "--dest-compress-format",
        "gzip",
        "--dest-compress-level",
        level,
        "--image-parallel-copies",
        "2",
        source,
        target,
      );
      assert.equal(result.code, 0, result.stderr);
      // skopeo reads it whole: the gzip layer's digest and the config's diff ID check out.
      skopeo("copy", "-q", target, `dir:${join(dir, `level-${level}-skopeo`)}`);
      const layer = rawManifest(target).json.layers[0] as { mediaType: string; size: number };
      assert.equal(layer.mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
      return layer.size;
    };
    const tar = plain.layers[0].tar.length;
    const stored = layerSize("0");
    const smallest = layerSize("9");
    assert.ok(stored > tar, `level 0 stores (${stored} > ${tar})`);
    assert.ok(smallest * 20 < tar, `level 9 compresses (${smallest} against ${tar})`);
    const bad = copy("--dest-compress-level", "10", source, `oci:${join(dir, "level-10")}:v1`);
    assert.equal(bad.code, 125);
    assert.match(bad.stderr, /--dest-compress-level=10.*0 to 9/);
    assert.equal(await exists(join(dir, "level-10")), false);
  });

  it("--dest-decompress and --dest-compress choose how a dir: destination stores layers", async () => {
    const plainDir = join(dir, "dir-plain");
    const gzipDir = join(dir, "dir-gzip");
    /** The first bytes of each layer file the manifest in `folder` names, and its type. */
    const layersOf = async (folder: string) => {
      const manifest = JSON.parse(await readFile(join(folder, "manifest.json"), "utf8")) as {
        layers: { digest: string; mediaType: string }[];
      };
      return await Promise.all(manifest.layers.map(async (layer) => {
        const bytes = await readFile(join(folder, layer.digest.slice("sha256:".length)));
        const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
        const tar = new TextDecoder().decode(bytes.subarray(257, 262)) === "ustar";
        return { mediaType: layer.mediaType, gzip, tar };
      }));
    };
    let result = copy(
      "-q",
      "--src-tls-verify=false",
      "--dest-decompress",
      reg("demo:v1"),
      `dir:${plainDir}`,
    );
    assert.equal(result.code, 0, result.stderr);
    for (const layer of await layersOf(plainDir)) {
      assert.deepEqual(layer, {
        mediaType: "application/vnd.oci.image.layer.v1.tar",
        gzip: false,
        tar: true,
      });
    }
    result = copy("-q", "--dest-compress", `dir:${plainDir}`, `dir:${gzipDir}`);
    assert.equal(result.code, 0, result.stderr);
    for (const layer of await layersOf(gzipDir)) {
      assert.deepEqual(layer, {
        mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
        gzip: true,
        tar: false,
      });
    }
    // skopeo reads both whole (blobs against their digests), and the image is the same one.
    for (const folder of [plainDir, gzipDir]) {
      skopeo("copy", "-q", `dir:${folder}`, `oci:${folder}-skopeo:v1`);
      assert.equal(rawManifest(`dir:${folder}`).json.config.digest, image.config.digest);
    }
    // An oci: destination compresses uncompressed layers, as skopeo's does, unless told not to.
    const types = (target: string) =>
      (rawManifest(target).json.layers as { mediaType: string }[]).map((layer) => layer.mediaType);
    for (
      const [flags, mediaType] of [
        [[], "application/vnd.oci.image.layer.v1.tar+gzip"],
        [["--dest-oci-accept-uncompressed-layers"], "application/vnd.oci.image.layer.v1.tar"],
      ] as const
    ) {
      const target = `oci:${join(dir, `dir-to-oci-${flags.length}`)}:v1`;
      result = copy("-q", ...flags, `dir:${plainDir}`, target);
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(types(target), [mediaType, mediaType]);
      const skopeoTarget = `oci:${join(dir, `dir-to-oci-skopeo-${flags.length}`)}:v1`;
      skopeo("copy", "-q", ...flags, `dir:${plainDir}`, skopeoTarget);
      assert.deepEqual(types(skopeoTarget), types(target), "as skopeo does");
    }
    const both = copy(
      "--dest-compress",
      "--dest-decompress",
      reg("demo:v1"),
      `dir:${join(dir, "dir-both")}`,
    );
    assert.equal(both.code, 125);
    assert.match(both.stderr, /--dest-compress.*cannot be used with --dest-decompress/);
    const notDir = copy("--dest-compress", `dir:${plainDir}`, `oci:${join(dir, "dir-not")}:v1`);
    assert.equal(notDir.code, 125);
    assert.match(notDir.stderr, /dir: destinations only/);
    assert.equal(await exists(join(dir, "dir-both")), false);
    assert.equal(await exists(join(dir, "dir-not")), false);
  });

  it("refuses skopeo flags it cannot honour, naming them", async () => {
    const target = `oci:${join(dir, "unsupported")}:v1`;
    const cases: [string[], RegExp][] = [
      [
        ["--dest-compress-format", "zstd"],
        /^Error: .*--dest-compress-format=zstd.*does not write them/,
      ],
      [["--dest-compress-format", "brotli"], /--dest-compress-format=brotli.*must be gzip/],
      [["--multi-arch", "index-only"], /--multi-arch=index-only.*not supported/],
      [["--format", "v2s1"], /--format=v2s1.*schema 1/],
      [
        ["--encryption-key", "jwe:/k.pem"],
        /--encryption-key.*not supported by stevedore: image encryption/,
      ],
      [["--dest-precompute-digests"], /--dest-precompute-digests.*not supported by stevedore/],
      [["--src-no-creds", "--src-creds", "a:b"], /--src-no-creds.*cannot be used with --src-creds/],
    ];
    for (const [flags, pattern] of cases) {
      const result = copy(...flags, `oci:${join(dir, "rt-layout")}:v1`, target);
      assert.equal(result.code, 125, flags.join(" "));
      assert.match(result.stderr, pattern, flags.join(" "));
    }
    assert.equal(await exists(join(dir, "unsupported")), false);
  });

  it("follows registries.conf's insecure registries; --src-tls-verify=true overrides it", async () => {
    const conf = join(dir, "insecure.conf");
    await writeFile(conf, `[[registry]]\nlocation = "${registry.registry}"\ninsecure = true\n`);
    const run = (...args: string[]) => cliWith(conf, "copy", "-q", ...args);
    let result = run(reg("demo:v1"), `oci:${join(dir, "insecure-conf")}:v1`);
    assert.equal(result.code, 0, result.stderr);
    result = run("--src-tls-verify=true", reg("demo:v1"), `oci:${join(dir, "insecure-tls")}:v1`);
    assert.equal(result.code, 125);
    assert.match(result.stderr, /^Error: .*127\.0\.0\.1/);
    assert.equal(await exists(join(dir, "insecure-tls")), false);
  });

  it("reaches a registry that needs credentials with per-side creds, authfiles and TLS flags", async () => {
    const secured = await startRegistry({ auth: { username: "alice", password: "pw" } });
    try {
      const target = `docker://${secured.registry}/demo:v1`;
      const out = (name: string) => `oci:${join(dir, "auth-" + name)}:v1`;
      const open = ["--src-tls-verify=false", "--dest-tls-verify=false"];
      let result = copy("-q", ...open, "--dest-no-creds", reg("demo:v1"), target);
      assert.equal(result.code, 125, "anonymous push refused");
      assert.match(result.stderr, new RegExp(secured.registry.replace(/[.[\]]/g, "\\$&")));
      result = copy("-q", ...open, "--dest-creds", "alice:pw", reg("demo:v1"), target);
      assert.equal(result.code, 0, result.stderr);
      result = copy(
        "-q",
        "--src-tls-verify=false",
        "--src-creds",
        "alice:wrong",
        target,
        out("wrong"),
      );
      assert.equal(result.code, 125, "wrong password refused");
      result = copy(
        "-q",
        "--src-tls-verify=false",
        "--src-creds",
        "alice:pw",
        target,
        out("creds"),
      );
      assert.equal(result.code, 0, result.stderr);
      assert.equal(rawManifest(out("creds")).digest, image.manifest.digest);
      result = copy(
        "-q",
        "--src-tls-verify=false",
        "--src-username",
        "alice",
        "--src-password",
        "pw",
        target,
        out("username"),
      );
      assert.equal(result.code, 0, result.stderr);
      result = copy("-q", "--src-tls-verify=false", "--src-username", "alice", target, out("half"));
      assert.equal(result.code, 125);
      assert.match(result.stderr, /--src-username.*goes with --src-password/);
      const authFile = join(dir, "auth.json");
      const token = Buffer.from("alice:pw").toString("base64");
      await writeFile(authFile, JSON.stringify({ auths: { [secured.registry]: { auth: token } } }));
      result = copy(
        "-q",
        "--src-tls-verify=false",
        "--src-authfile",
        authFile,
        target,
        out("file"),
      );
      assert.equal(result.code, 0, result.stderr);
      result = copy("-q", "--src-tls-verify=false", "--authfile", authFile, target, out("global"));
      assert.equal(result.code, 0, result.stderr);
      result = copy(
        "-q",
        "--src-tls-verify=false",
        "--authfile",
        authFile,
        "--src-no-creds",
        target,
        out("anonymous"),
      );
      assert.equal(result.code, 125, "--src-no-creds sends no credentials from the authfile");
      // TLS is verified by default: the plain-HTTP registry is then refused.
      result = copy("-q", "--src-authfile", authFile, target, out("tls"));
      assert.equal(result.code, 125, "plain HTTP refused without --src-tls-verify=false");
      for (const name of ["wrong", "half", "anonymous", "tls"]) {
        assert.equal(await exists(join(dir, `auth-${name}`)), false, name);
      }
    } finally {
      await secured.stop();
    }
  });
});
