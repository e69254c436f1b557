import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { prune } from "../../src/runtime/prune.ts";
import { makeContext } from "./_context.ts";
import { buildImage, buildManifestList } from "./_images.ts";

describe("prune", () => {
  it("removes dangling images only, with sizes, keeping images in a manifest list", async () => {
    const { ctx, store } = await makeContext();
    const named = await buildImage(store, { names: ["localhost/a:1"] });
    const dangling = await buildImage(store);
    const instance = await buildImage(store);
    await buildManifestList(store, [instance], ["localhost/list:1"]);
    const { reports, errors } = await prune(ctx);
    assert.deepEqual(errors, []);
    assert.deepEqual(reports.map((r) => [r.id, r.removed, r.size]), [
      [dangling.record.id, true, dangling.record.size],
    ]);
    assert.ok(await store.imageById(named.record.id));
    assert.ok(await store.imageById(instance.record.id));
  });

  it("with all removes every unused, writable image", async () => {
    const { ctx, store, containers } = await makeContext();
    const used = await buildImage(store, { names: ["localhost/used:1"] });
    const ro = await buildImage(store, { names: ["localhost/ro:1"], readOnly: true });
    const unused = await buildImage(store, { names: ["localhost/unused:1"] });
    containers.push({ id: "c", imageId: used.record.id });
    const { reports, errors } = await prune(ctx, { all: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(reports.map((r) => r.id), [unused.record.id]);
    assert.deepEqual(
      (await store.images()).map((r) => r.id).sort(),
      [used.record.id, ro.record.id].sort(),
    );
  });

  it("repeats until intermediate images that became dangling are gone", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store);
    const mid = await buildImage(store, { parent: base });
    const { reports } = await prune(ctx, {});
    assert.deepEqual(reports.map((r) => r.id), [mid.record.id, base.record.id]);
    assert.deepEqual(await store.images(), []);
  });

  it("honours extra filters and rejects bad ones", async () => {
    const { ctx, store } = await makeContext();
    const keep = await buildImage(store, { labels: { keep: "1" } });
    const drop = await buildImage(store);
    const { reports } = await prune(ctx, { filters: ["label!=keep"] });
    assert.deepEqual(reports.map((r) => r.id), [drop.record.id]);
    assert.ok(await store.imageById(keep.record.id));
    const bad = await prune(ctx, { filters: ["dangling=false"] });
    assert.equal(bad.errors.length, 1);
  });
});
