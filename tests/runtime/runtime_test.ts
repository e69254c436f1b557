import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { ImageNotFoundError } from "../../src/errors.ts";
import type { ImageEvent } from "../../src/events/mod.ts";
import { type PullEnv, startPullEnv } from "./_pull_env.ts";
import { runtimeParts } from "../../src/runtime/mod.ts";

let env: PullEnv;
before(async () => {
  env = await startPullEnv();
});
after(async () => {
  await env?.stop();
});

async function collect(events: AsyncIterableIterator<ImageEvent>, n: number) {
  const out: ImageEvent[] = [];
  for await (const event of events) {
    out.push(event);
    if (out.length === n) break;
  }
  return out;
}

describe("Runtime", () => {
  it("events are written after the operation: one pull per image, raw input as name", async () => {
    const runtime = await env.open();
    const controller = new AbortController();
    const events = runtime.events(controller.signal);
    const [image] = await runtime.pull("single:v1");
    await assert.rejects(runtime.pull("absent:1"));
    const got = await collect(events, 2);
    assert.deepEqual(got.map((e) => [e.type, e.name, e.id]), [
      ["pull", "single:v1", image.id],
      ["pull-error", "absent:1", ""],
    ]);
    assert.ok(got[1].error && got[1].error.length > 0);
    controller.abort();
  });

  it("exists: unknown or corrupted images give false", async () => {
    const runtime = await env.open();
    assert.equal(await runtime.exists("single:v1"), false);
    const [image] = await runtime.pull("single:v1");
    assert.equal(await runtime.exists("single:v1"), true);
    assert.equal(await runtime.exists(image.id.slice(0, 8)), true);
    const { unlink } = await import("node:fs/promises");
    await unlink(`${runtimeParts(runtime).store.root}/blobs/sha256/${image.layers[0].slice(7)}`);
    assert.equal(await runtime.exists("single:v1"), false);
    await assert.rejects(runtime.exists("Bad Name"));
  });

  it("resolveName: local names, else localhost/ normalization", async () => {
    const runtime = await env.open();
    assert.equal(await runtime.resolveName(""), "");
    assert.equal(await runtime.resolveName("foo"), "localhost/foo:latest");
    assert.equal(await runtime.resolveName("quay.io/a/b"), "quay.io/a/b:latest");
    await runtime.pull("single:v1");
    assert.equal(await runtime.resolveName("single:v1"), `${env.registry.registry}/single:v1`);
  });

  it("lookupImage, tag and untag work on pulled images", async () => {
    const runtime = await env.open();
    const [image] = await runtime.pull("single:v1");
    const found = await runtime.lookupImage("single:v1");
    assert.equal(found.image.id, image.id);
    await runtime.tag("single:v1", "mine:1");
    assert.equal((await runtime.lookupImage("mine:1")).resolvedName, "localhost/mine:1");
    await runtime.untag(image.id, "mine:1");
    await assert.rejects(runtime.lookupImage("mine:1"), ImageNotFoundError);
    assert.equal((await runtime.listImages()).length, 1);
  });

  it("delegates inspect, history, tree, diskUsage and prune", async () => {
    const runtime = await env.open();
    const [image] = await runtime.pull("single:v1");
    assert.equal((await runtime.inspect("single:v1")).Id, image.id);
    assert.ok((await runtime.history("single:v1")).length >= 1);
    assert.match(await runtime.tree("single:v1"), new RegExp(`Image ID: ${image.id.slice(0, 12)}`));
    assert.equal((await runtime.diskUsage()).images.length, 1);
    const pruned = await runtime.prune();
    assert.equal(pruned.errors.length, 0);
    assert.equal(await runtime.exists("single:v1"), true, "a tagged image is not dangling");
  });

  it("an explicit runtime platform is a custom platform", async () => {
    const runtime = await env.open({ platform: "linux/arm64" });
    assert.equal(runtime.platform.architecture, "arm64");
    const [image] = await runtime.pull("multi");
    assert.equal(image.platform?.architecture, "arm64");
    // A lookup of an amd64 image is rejected under the runtime's arm64.
    const amd = await env.open({ store: runtimeParts(runtime).store });
    await amd.pull("single:v1");
    await assert.rejects(runtime.lookupImage("single:v1"), ImageNotFoundError);
  });
});
