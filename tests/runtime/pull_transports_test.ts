import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { copyBetween } from "../../src/copy/mod.ts";
import { NodeFileSystem } from "../../src/fs/mod.ts";
import { ImageNotFoundError, UnsupportedTransportError } from "../../src/errors.ts";
import { containersStorageTransport } from "../../src/transports/containers_storage/mod.ts";
import type { ImageStore } from "../../src/store/types.ts";
import { memoryTransport } from "../helpers/memory_transport.ts";
import { randomImage } from "../helpers/random_image.ts";
import { type PullEnv, startPullEnv } from "./_pull_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: PullEnv;
const fs = new NodeFileSystem();
const memory = memoryTransport();
const image = randomImage({ layers: 1, layerSize: 200 });
memory.store.add("img", image);
const id = image.config.digest.slice(7);

before(async () => {
  env = await startPullEnv();
});
after(async () => {
  await env?.stop();
});

function write(dest: string) {
  return copyBetween(memory.parse("img"), dest, { context: { fs } });
}

describe("pull from other transports", () => {
  it("dir transport pull is not a no-op", async () => {
    const path = join(env.dir, "dir-image");
    await write(`dir:${path}`);
    const runtime = await env.open();
    const [pulled] = await runtime.pull(`dir:${path}`);
    assert.equal(pulled.id, id);
    assert.deepEqual(pulled.names, []);
    assert.equal((await runtimeParts(runtime).store.images()).length, 1);
    assert.equal((await runtime.lookupImage(`sha256:${id}`)).image.id, id);
  });

  it("path transports with invalid reference characters get an ID", async () => {
    const path = join(env.dir, "CapitalChar Dir");
    await write(`dir:${path}`);
    const runtime = await env.open();
    const [pulled] = await runtime.pull(`dir:${path}`);
    assert.equal(pulled.id, id);
    assert.deepEqual(pulled.names, []);
  });

  it("oci: without a ref is stored by ID, with a ref under its Docker-style name", async () => {
    const path = join(env.dir, "layout");
    await write(`oci:${path}:v1`);
    const runtime = await env.open();
    const [named] = await runtime.pull(`oci:${path}:v1`);
    assert.deepEqual(named.names, ["docker.io/library/v1:latest"]);
    const unnamedPath = join(env.dir, "layout2");
    await write(`oci:${unnamedPath}`);
    const other = await env.open();
    const [unnamed] = await other.pull(`oci:${unnamedPath}`);
    assert.deepEqual(unnamed.names, []);
    assert.equal(unnamed.id, id);
  });

  it("docker-archive: each RepoTag, normalized; one image per tag", async () => {
    const path = join(env.dir, "archive.tar");
    await write(`docker-archive:${path}:myimg:1`);
    const runtime = await env.open();
    const pulled = await runtime.pull(`docker-archive:${path}`);
    assert.equal(pulled.length, 1);
    assert.equal(pulled[0].id, id);
    assert.equal(pulled[0].names.length, 1);
    assert.match(pulled[0].names[0], /\/myimg:1$/);
  });

  it("oci-archive: the annotation names the image", async () => {
    const path = join(env.dir, "oci.tar");
    await write(`oci-archive:${path}:pretty-empty`);
    const runtime = await env.open();
    const [pulled] = await runtime.pull(`oci-archive:${path}`);
    assert.deepEqual(pulled.names, ["localhost/pretty-empty:latest"]);
  });

  it("transport parse errors do not fall through to a registry pull", async () => {
    const runtime = await env.open();
    const before = env.requests.length;
    await assert.rejects(
      runtime.pull("oci-archive:"),
      (e: Error) => !(e instanceof ImageNotFoundError) && !/Trying/.test(e.message),
    );
    await assert.rejects(runtime.pull(`dir:${join(env.dir, "does-not-exist")}`));
    assert.equal(env.requests.length, before);
  });

  it("allTags is refused for transports other than docker", async () => {
    const runtime = await env.open();
    await assert.rejects(
      runtime.pull(`dir:${join(env.dir, "dir-image")}`, { allTags: true }),
      (e: Error) => e instanceof UnsupportedTransportError && /pulling all tags/.test(e.message),
    );
  });

  it("a name moved by another process: the pulled image is found via its manifest digest", async () => {
    const base = await env.open();
    const real = runtimeParts(base).store;
    const [other] = await base.pull(`dir:${join(env.dir, "dir-image")}`);
    const otherImage = randomImage({ layers: 1, layerSize: 99 });
    memory.store.add("other", otherImage);
    await copyBetween(
      memory.parse("other"),
      containersStorageTransport(real).parse("@" + otherImage.config.digest.slice(7)),
      { context: { fs } },
    );
    const target = `${env.registry.registry}/single:v1`;
    // After each commit, "another process" moves the name to a different image.
    const racing: ImageStore = {
      root: real.root,
      images: () => real.images(),
      imageById: (i) => real.imageById(i),
      imageByName: (n) => real.imageByName(n),
      imagesByDigest: (d) => real.imagesByDigest(d),
      imagesByIdPrefix: (p) => real.imagesByIdPrefix(p),
      hasBlob: (d, s) => real.hasBlob(d, s),
      readBlob: (d) => real.readBlob(d),
      readBlobBytes: (d) => real.readBlobBytes(d),
      putBlob: (d, s, st) => real.putBlob(d, s, st),
      commitImage: (i) => real.commitImage(i),
      changeNames: (i, c) => real.changeNames(i, c),
      replaceManifest: (i, d, m) => real.replaceManifest(i, d, m),
      deleteImage: (i) => real.deleteImage(i),
      isCorrupted: (r) => real.isCorrupted(r),
      gc: () => real.gc(),
      check: (o) => real.check(o),
      withLock: (fn) => real.withLock(fn),
    };
    racing.commitImage = async (img) => {
      const committed = await real.commitImage(img);
      if (img.names?.includes(target)) {
        await real.changeNames(otherImage.config.digest.slice(7), { add: [target] });
      }
      return committed;
    };
    const runtime = await env.open({ store: racing });
    const [pulled] = await runtime.pull("single:v1");
    assert.equal(pulled.id, env.single.config.digest.slice(7));
    assert.notEqual((await real.imageByName(target))?.id, pulled.id, "the name did move");
    assert.ok(other);
  });
});
