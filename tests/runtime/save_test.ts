import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  ImageNotFoundError,
  InvalidReferenceError,
  UnsupportedTransportError,
} from "../../src/errors.ts";
import { listDockerArchiveImages } from "../../src/transports/docker_archive/mod.ts";
import { listOciArchiveImages } from "../../src/transports/oci_archive/mod.ts";
import { type ArchiveEnv, collectEvents, startArchiveEnv } from "./_archive_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

function skopeo(...args: string[]): string {
  return execFileSync("skopeo", args, { encoding: "utf8" });
}

describe("save", () => {
  it("round-trips every format through load with the same ID, names and digest", async () => {
    const source = await env.open();
    const { record } = await env.add(source, "docker.io/library/round:1");
    for (const format of ["oci-archive", "oci-dir", "docker-dir", "docker-archive"] as const) {
      const output = join(env.dir, `round-${format}`);
      await source.save(["round:1"], { format, output });
      const target = await env.open();
      const names = await target.load(output);
      const expected = format === "docker-dir" ? [`sha256:${record.id}`] : [
        "docker.io/library/round:1",
      ];
      assert.deepEqual(names, expected, format);
      const [loaded] = await runtimeParts(target).store.images();
      assert.equal(loaded.id, record.id, format);
      assert.deepEqual(loaded.diffIds, record.diffIds, format);
      if (format.startsWith("oci")) {
        // The OCI formats keep the manifest byte for byte.
        assert.equal(loaded.manifestDigest, record.manifestDigest, format);
        assert.deepEqual(loaded.layers, record.layers, format);
      }
      assert.equal(await target.exists(`sha256:${record.id}`), true);
    }
  });

  it("compresses uncompressed layers into the OCI formats unless `uncompressed` (podman's --uncompressed)", async () => {
    const runtime = await env.open();
    const { record } = await env.add(runtime, "localhost/plain:1", { layers: 2, compress: false });
    const layerTypes = async (format: "oci-archive" | "oci-dir", uncompressed: boolean) => {
      const output = join(env.dir, `plain-${format}-${uncompressed}`);
      await runtime.save(["plain:1"], { format, output, uncompressed });
      const reference = `${format === "oci-dir" ? "oci" : "oci-archive"}:${output}`;
      const manifest = JSON.parse(skopeo("inspect", "--raw", reference));
      // skopeo reads it whole, and the config (so the diff IDs) is the image's.
      skopeo("copy", "-q", reference, `dir:${output}-skopeo`);
      assert.equal(manifest.config.digest, `sha256:${record.id}`);
      return manifest.layers.map((layer: { mediaType: string }) => layer.mediaType);
    };
    const gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
    const tar = "application/vnd.oci.image.layer.v1.tar";
    for (const format of ["oci-archive", "oci-dir"] as const) {
      assert.deepEqual(await layerTypes(format, false), [gzip, gzip], format);
      assert.deepEqual(await layerTypes(format, true), [tar, tar], format);
    }
  });

  it("oci-archive embeds the resolved name, but not for an image given by ID", async () => {
    const runtime = await env.open();
    const { record } = await env.add(runtime, "localhost/named:v2");
    const byName = join(env.dir, "named.tar");
    await runtime.save(["named:v2"], { format: "oci-archive", output: byName });
    const [entry] = await listOciArchiveImages(env.fs, byName);
    assert.equal(entry.refName, "localhost/named:v2");
    const byId = join(env.dir, "by-id.tar");
    await runtime.save([record.id.slice(0, 12)], { format: "oci-archive", output: byId });
    const [unnamed] = await listOciArchiveImages(env.fs, byId);
    assert.equal(unnamed.refName, undefined);
  });

  it("docker-archive holds several images grouped by ID with deduplicated tags", async () => {
    const runtime = await env.open();
    const a = await env.add(runtime, "docker.io/library/alpha:1");
    await runtime.tag("alpha:1", "docker.io/library/alpha:2");
    const b = await env.add(runtime, "quay.io/x/beta:latest");
    const output = join(env.dir, "multi.tar");
    const watch = collectEvents(runtime);
    await runtime.save(["alpha:1", "alpha:2", "alpha:1", "quay.io/x/beta", b.record.id], {
      format: "docker-archive",
      output,
    });
    await watch.stop();
    const images = await listDockerArchiveImages(env.fs, output);
    assert.deepEqual(images.map((image) => image.repoTags), [
      ["docker.io/library/alpha:1", "docker.io/library/alpha:2"],
      ["quay.io/x/beta:latest"],
    ]);
    // One event per distinct requested name, named after the path.
    assert.deepEqual(
      watch.events.map((event) => [event.type, event.id, event.name]),
      [
        ["save", a.record.id, output],
        ["save", a.record.id, output],
        ["save", b.record.id, output],
        ["save", b.record.id, output],
      ],
    );
    const target = await env.open();
    const names = await target.load(output);
    assert.deepEqual(names.sort(), [
      "docker.io/library/alpha:1",
      "docker.io/library/alpha:2",
      "quay.io/x/beta:latest",
    ]);
    assert.equal((await runtimeParts(target).store.images()).length, 2);
  });

  it("adds additional tags, skipping unparseable ones and refusing untagged ones", async () => {
    const runtime = await env.open();
    await env.add(runtime, "localhost/extra:latest");
    const output = join(env.dir, "extra.tar");
    await runtime.save(["extra"], {
      format: "docker-archive",
      output,
      additionalTags: ["more:1", "NOT VALID", "quay.io/y/z:2"],
    });
    const [image] = await listDockerArchiveImages(env.fs, output);
    assert.deepEqual(image.repoTags.sort(), [
      "localhost/extra:latest",
      "localhost/more:1",
      "quay.io/y/z:2",
    ]);
    await assert.rejects(
      runtime.save(["extra"], {
        format: "docker-archive",
        output: join(env.dir, "untagged.tar"),
        additionalTags: [`x@sha256:${"a".repeat(64)}`],
      }),
      InvalidReferenceError,
    );
    assert.equal(existsSync(join(env.dir, "untagged.tar")), false);
  });

  it("refuses bad arguments", async () => {
    const runtime = await env.open();
    await env.add(runtime, "localhost/args:latest");
    await env.add(runtime, "localhost/args2:latest");
    const output = join(env.dir, "args.tar");
    await assert.rejects(runtime.save([], { format: "oci-archive", output }), TypeError);
    await assert.rejects(
      runtime.save(["args", "args2"], { format: "oci-archive", output }),
      UnsupportedTransportError,
    );
    await assert.rejects(
      runtime.save(["args", "args2"], {
        format: "docker-archive",
        output,
        additionalTags: ["t:1"],
      }),
      TypeError,
    );
    await assert.rejects(
      // deno-lint-ignore no-explicit-any
      runtime.save(["args"], { format: "tarball" as any, output }),
      UnsupportedTransportError,
    );
    await assert.rejects(
      runtime.save(["args"], { format: "oci-dir", output: new WritableStream() }),
      TypeError,
    );
    await assert.rejects(
      runtime.save(["args", "missing"], { format: "docker-archive", output }),
      ImageNotFoundError,
    );
    assert.equal(existsSync(output), false);
  });

  it("a cancelled save leaves no archive and no staging files behind", async () => {
    const runtime = await env.open();
    await env.add(runtime, "localhost/cancel:latest", { layerSize: 50_000 });
    const output = join(env.dir, "cancel-out", "cancel.tar");
    await env.fs.mkdir(join(env.dir, "cancel-out"), { recursive: true });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    for (const format of ["docker-archive", "oci-archive"] as const) {
      await assert.rejects(
        runtime.save(["cancel"], { format, output, signal: controller.signal }),
      );
      assert.deepEqual(await readdir(join(env.dir, "cancel-out")), []);
    }
  });

  it("streams an archive to a WritableStream", async () => {
    const runtime = await env.open();
    const { record } = await env.add(runtime, "localhost/streamed:latest");
    const chunks: Uint8Array[] = [];
    await runtime.save(["streamed"], {
      format: "docker-archive",
      output: new WritableStream({ write: (chunk) => void chunks.push(chunk) }),
    });
    const path = join(env.dir, "streamed-copy.tar");
    await env.fs.writeFile(
      path,
      new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer()),
    );
    const target = await env.open();
    assert.deepEqual(await target.load(path), ["localhost/streamed:latest"]);
    assert.equal((await runtimeParts(target).store.images())[0].id, record.id);
    // No temporary archive is left in the temporary folder.
    assert.equal((await readdir(env.dir)).some((name) => name.includes("stevedore-save")), false);
  });

  it("writes archives skopeo can read", async () => {
    const runtime = await env.open();
    const { record } = await env.add(runtime, "docker.io/library/skopeo-read:1");
    const docker = join(env.dir, "for-skopeo-docker.tar");
    const oci = join(env.dir, "for-skopeo-oci.tar");
    await runtime.save(["skopeo-read:1"], { format: "docker-archive", output: docker });
    await runtime.save(["skopeo-read:1"], { format: "oci-archive", output: oci });
    for (const ref of [`docker-archive:${docker}`, `oci-archive:${oci}`]) {
      const info = JSON.parse(skopeo("inspect", "--config", ref));
      assert.deepEqual(info.rootfs.diff_ids, record.diffIds, ref);
    }
    const copy = join(env.dir, "skopeo-copy");
    skopeo("copy", "--insecure-policy", `docker-archive:${docker}`, `dir:${copy}`);
    const manifest = JSON.parse(await readFile(join(copy, "manifest.json"), "utf8"));
    assert.equal(manifest.config.digest, `sha256:${record.id}`);
  });
});
