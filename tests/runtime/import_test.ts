import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { gzipSync } from "fflate";
import { InvalidArchiveError } from "../../src/errors.ts";
import { configFromChanges } from "../../src/runtime/_import_changes.ts";
import type { Runtime } from "../../src/runtime/mod.ts";
import { sha256, tarOf } from "../helpers/random_image.ts";
import { type ArchiveEnv, collectEvents, startArchiveEnv, storeState } from "./_archive_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: ArchiveEnv;
before(async () => {
  env = await startArchiveEnv();
});
after(async () => {
  await env?.stop();
});

const rootfs = tarOf("bin/hello", new TextEncoder().encode("#!/bin/sh\necho hello\n"));

async function configOf(runtime: Runtime, id: string) {
  const bytes = await runtimeParts(runtime).store.readBlobBytes(id);
  return JSON.parse(new TextDecoder().decode(bytes));
}

describe("importImage", () => {
  it("imports plain and gzip tarballs as one gzip layer with the tar's diff ID", async () => {
    const plain = join(env.dir, "rootfs.tar");
    const gzipped = join(env.dir, "rootfs.tar.gz");
    await writeFile(plain, rootfs);
    await writeFile(gzipped, gzipSync(rootfs));
    const ids: string[] = [];
    for (const path of [plain, gzipped]) {
      const runtime = await env.open({ now: () => new Date("2025-02-03T04:05:06Z") });
      const watch = collectEvents(runtime);
      const id = await runtime.importImage(path, { message: "from a tarball" });
      ids.push(id);
      assert.match(id, /^sha256:[0-9a-f]{64}$/);
      const [record] = await runtimeParts(runtime).store.images();
      assert.equal(`sha256:${record.id}`, id);
      assert.deepEqual(record.names, []);
      assert.deepEqual(record.diffIds, [sha256(rootfs)]);
      const manifest = JSON.parse(
        new TextDecoder().decode(
          await runtimeParts(runtime).store.readBlobBytes(record.manifestDigest),
        ),
      );
      assert.equal(manifest.layers.length, 1);
      assert.equal(manifest.layers[0].mediaType, "application/vnd.oci.image.layer.v1.tar+gzip");
      const config = await configOf(runtime, id);
      assert.equal(config.os, "linux");
      assert.equal(config.architecture, "amd64");
      assert.deepEqual(config.history, [
        { created: "2025-02-03T04:05:06.000Z", comment: "from a tarball" },
      ]);
      assert.deepEqual(await watch.stop(), [], "import sends no event");
    }
    // Same content, same config, same clock: the same image ID.
    assert.equal(ids[0], ids[1]);
  });

  it("applies changes, a platform and a name", async () => {
    const path = join(env.dir, "rootfs-changes.tar");
    await writeFile(path, rootfs);
    const runtime = await env.open();
    const id = await runtime.importImage(path, {
      reference: "myroot",
      platform: "linux/arm64/v8",
      changes: [
        "CMD /app --flag",
        'ENTRYPOINT ["/init"]',
        "ENV=A=1",
        "ENV B",
        "EXPOSE 8080/UDP",
        "EXPOSE 80",
        'LABEL "team"="core"',
        "USER app",
        "VOLUME /data /cache",
        "WORKDIR /srv",
        "WORKDIR app",
        "STOPSIGNAL SIGTERM",
        "ONBUILD RUN make",
      ],
    });
    const record = await runtimeParts(runtime).store.imageByName("localhost/myroot:latest");
    assert.equal(`sha256:${record?.id}`, id);
    const config = await configOf(runtime, id);
    assert.equal(config.architecture, "arm64");
    assert.equal(config.variant, "v8");
    assert.deepEqual(config.config, {
      Cmd: ["/bin/sh", "-c", "/app --flag"],
      Entrypoint: ["/init"],
      Env: ["A=1", "B="],
      ExposedPorts: { "8080/udp": {}, "80/tcp": {} },
      Labels: { team: "core" },
      User: "app",
      Volumes: { "/data": {}, "/cache": {} },
      WorkingDir: "/srv/app",
      StopSignal: "15",
      OnBuild: ["RUN make"],
    });
  });

  it("downloads URLs through the injected fetch", async () => {
    const seen: string[] = [];
    const runtime = await env.open({
      fetch: (input) => {
        seen.push(String(input));
        return Promise.resolve(new Response(gzipSync(rootfs)));
      },
    });
    const lines: string[] = [];
    const id = await runtime.importImage("https://example.test/rootfs.tgz", {
      writer: (line) => lines.push(line),
    });
    assert.deepEqual(seen, ["https://example.test/rootfs.tgz"]);
    assert.deepEqual(lines, ['Downloading from "https://example.test/rootfs.tgz"']);
    assert.equal(await runtime.exists(id), true);
  });

  it("refuses bad changes and non-tar input, leaving the store unchanged", async () => {
    const runtime = await env.open();
    const garbage = join(env.dir, "garbage.tar");
    await writeFile(garbage, new Uint8Array(2048).fill(65));
    const before = await storeState(runtime);
    await assert.rejects(runtime.importImage(garbage), InvalidArchiveError);
    for (const change of ["FROM x", "EXPOSE 70000", "EXPOSE 80/sctp", "LABEL novalue", "USER"]) {
      await assert.rejects(
        runtime.importImage(new Blob([rootfs as BlobPart]).stream(), { changes: [change] }),
        TypeError,
        change,
      );
    }
    assert.deepEqual(await storeState(runtime), before);
  });

  it("parses changes like libimage", () => {
    assert.deepEqual(configFromChanges(["CMD="]).Cmd, ["/bin/sh", "-c"]);
    assert.deepEqual(configFromChanges(["ENTRYPOINT="]).Entrypoint, []);
    assert.deepEqual(configFromChanges(['VOLUME ["/a","/b"]']).Volumes, { "/a": {}, "/b": {} });
    assert.equal(configFromChanges(["STOPSIGNAL 9"]).StopSignal, "9");
    assert.equal(configFromChanges(["stopsignal kill"]).StopSignal, "9");
    assert.throws(() => configFromChanges(["STOPSIGNAL NOPE"]), TypeError);
    assert.throws(() => configFromChanges(["WORKDIR="]), TypeError);
    assert.throws(() => configFromChanges(["nothing"]), TypeError);
  });
});
