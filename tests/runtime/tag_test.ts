import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tag, untag } from "../../src/runtime/tag.ts";
import { ImageNotFoundError, InvalidReferenceError, TagError } from "../../src/errors.ts";
import { makeContext } from "./_context.ts";
import { buildImage } from "./_images.ts";

describe("tag and untag", () => {
  it("tags with the normalized name and writes a tag event", async () => {
    const { ctx, store, events } = await makeContext();
    const a = await buildImage(store, { names: ["docker.io/library/alpine:3"] });
    const updated = await tag(ctx, "alpine:3", "myalpine");
    assert.deepEqual(updated.names, ["docker.io/library/alpine:3", "localhost/myalpine:latest"]);
    await tag(ctx, "alpine:3", "docker.io/busybox:1");
    assert.ok((await store.imageById(a.record.id))?.names.includes("docker.io/library/busybox:1"));
    assert.deepEqual((await events()).map((e) => [e.type, e.id, e.name]), [
      ["tag", a.record.id, "myalpine"],
      ["tag", a.record.id, "docker.io/busybox:1"],
    ]);
  });

  it("rejects sha256: names and digested references, still writing the event", async () => {
    const { ctx, store, events } = await makeContext();
    await buildImage(store, { names: ["localhost/a:1"] });
    const digest = "sha256:" + "b".repeat(64);
    await assert.rejects(tag(ctx, "a:1", digest), TagError);
    await assert.rejects(tag(ctx, "a:1", `foo@${digest}`), /tag by digest not supported/);
    await assert.rejects(tag(ctx, "a:1", "UPPER"), InvalidReferenceError);
    assert.deepEqual((await events()).map((e) => e.type), ["tag", "tag", "tag"]);
  });

  it("fails without an event when the image is unknown", async () => {
    const { ctx, events } = await makeContext();
    await assert.rejects(tag(ctx, "nothere", "x"), ImageNotFoundError);
    await assert.rejects(untag(ctx, "nothere", "x"), ImageNotFoundError);
    assert.deepEqual(await events(), []);
  });

  it("untags a normalized name, also a repo@digest name", async () => {
    const { ctx, store, events } = await makeContext();
    const digest = "sha256:" + "c".repeat(64);
    const a = await buildImage(store, {
      names: ["localhost/a:1", "localhost/a:2", `quay.io/x/y@${digest}`],
    });
    await untag(ctx, "a:1", "a:2");
    await untag(ctx, "a:1", `quay.io/x/y@${digest}`);
    assert.deepEqual((await store.imageById(a.record.id))?.names, ["localhost/a:1"]);
    assert.deepEqual((await events()).map((e) => [e.type, e.name]), [
      ["untag", "localhost/a:2"],
      ["untag", `quay.io/x/y@${digest}`],
    ]);
  });

  it("reports an unknown tag and refuses sha256: input", async () => {
    const { ctx, store, events } = await makeContext();
    await buildImage(store, { names: ["localhost/a:1"] });
    await assert.rejects(untag(ctx, "a:1", "a:9"), (error: Error) => {
      assert.ok(error instanceof TagError);
      assert.equal(error.httpStatus, 404);
      assert.match(error.message, /localhost\/a:9.*tag not known/);
      return true;
    });
    await assert.rejects(untag(ctx, "a:1", "sha256:" + "d".repeat(64)), TagError);
    assert.deepEqual((await events()).map((e) => [e.type, e.name]), [
      ["untag", "localhost/a:9"],
      ["untag", "sha256:" + "d".repeat(64)],
    ]);
  });
});
