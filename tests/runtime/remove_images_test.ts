import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { removeImages } from "../../src/runtime/remove_images.ts";
import { ImageNotFoundError } from "../../src/errors.ts";
import { makeContext } from "./_context.ts";
import { buildImage, buildManifestList } from "./_images.ts";

describe("removeImages", () => {
  it("RemoveImages with no names and no filters removes all images", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store, { names: ["localhost/a:1"] });
    await buildImage(store);
    const { reports, errors } = await removeImages(ctx, []);
    assert.deepEqual(errors, []);
    assert.equal(reports.length, 2);
    assert.ok(reports.every((r) => r.removed));
    assert.deepEqual(await store.images(), []);
  });

  it("uses filters only when no names are given", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"] });
    const b = await buildImage(store);
    const byFilter = await removeImages(ctx, [], { filters: ["dangling=true"] });
    assert.deepEqual(byFilter.reports.map((r) => r.id), [b.record.id]);
    const byName = await removeImages(ctx, ["a:1"], { filters: ["dangling=true"] });
    assert.deepEqual(byName.reports.map((r) => r.id), [a.record.id]);
    assert.deepEqual(await store.images(), []);
    const bad = await removeImages(ctx, [], { filters: ["bogus=1"] });
    assert.equal(bad.errors.length, 1);
  });

  it("collects lookup errors and goes on; ignore skips unknown images", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"] });
    const { reports, errors } = await removeImages(ctx, ["nothere", "a:1"]);
    assert.equal(errors.length, 1);
    assert.ok(errors[0] instanceof ImageNotFoundError);
    assert.deepEqual(reports.map((r) => r.id), [a.record.id]);
    const ignored = await removeImages(ctx, ["nothere"], { ignore: true });
    assert.deepEqual(ignored, { reports: [], errors: [] });
  });

  it("only untags an image referenced by name that has several names", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1", "localhost/a:2"] });
    const { reports, errors } = await removeImages(ctx, ["a:1"], { force: true });
    assert.deepEqual(errors, []);
    assert.deepEqual(reports, [
      { id: a.record.id, removed: false, size: 0, untagged: ["localhost/a:1"] },
    ]);
    assert.deepEqual((await store.imageById(a.record.id))?.names, ["localhost/a:2"]);
  });

  it("deletes an image with exactly one name when referenced by it", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"] });
    const { reports } = await removeImages(ctx, ["a:1"], { withSize: true });
    assert.deepEqual(reports, [
      { id: a.record.id, removed: true, size: a.record.size, untagged: ["localhost/a:1"] },
    ]);
  });

  it("refuses removal by ID of an image with several names unless forced", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1", "localhost/a:2"] });
    const refused = await removeImages(ctx, [a.record.id.slice(0, 12)]);
    assert.equal(refused.errors.length, 1);
    assert.match(refused.errors[0].message, /by ID with more than one tag .*please force removal/);
    assert.ok(await store.imageById(a.record.id));
    const forced = await removeImages(ctx, [a.record.id], { force: true });
    assert.deepEqual(forced.errors, []);
    assert.equal(forced.reports[0].removed, true);
    assert.deepEqual(forced.reports[0].untagged.sort(), ["localhost/a:1", "localhost/a:2"]);
  });

  it("refuses a read-only image", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/ro:1"], readOnly: true });
    const { errors } = await removeImages(ctx, ["ro:1"], { force: true });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /read-only/);
    assert.ok(await store.imageById(a.record.id));
  });

  it("refuses an image in use unless forced, removing containers through the hook", async () => {
    const { ctx, store, containers, removedContainers } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"] });
    containers.push({ id: "c1", imageId: a.record.id });
    const refused = await removeImages(ctx, ["a:1"]);
    assert.match(
      refused.errors[0].message,
      /image is in use by a container: consider listing external containers and force-removing image/,
    );
    const forced = await removeImages(ctx, ["a:1"], { force: true });
    assert.deepEqual(forced.errors, []);
    assert.deepEqual(removedContainers, ["c1"]);
  });

  it("removes external containers only when all are external", async () => {
    const { ctx, store, containers } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"] });
    containers.push({ id: "e1", imageId: a.record.id, external: true });
    containers.push({ id: "c2", imageId: a.record.id });
    const mixed = await removeImages(ctx, ["a:1"], { externalContainers: true });
    assert.match(mixed.errors[0].message, /c2: not an external container/);
    containers.splice(1, 1);
    const ok = await removeImages(ctx, ["a:1"], { externalContainers: true });
    assert.deepEqual(ok.errors, []);
    assert.equal(ok.reports[0].removed, true);
  });

  it("prunes dangling parents recursively unless noPrune", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store);
    const mid = await buildImage(store, { parent: base });
    const top = await buildImage(store, { parent: mid, names: ["localhost/top:1"] });
    const kept = await removeImages(ctx, ["top:1"], { noPrune: true });
    assert.deepEqual(kept.reports.map((r) => r.id), [top.record.id]);
    assert.equal((await store.images()).length, 2);

    const again = await buildImage(store, { parent: mid, names: ["localhost/top:2"] });
    const pruned = await removeImages(ctx, ["top:2"]);
    assert.deepEqual(pruned.errors, []);
    assert.deepEqual(pruned.reports.map((r) => r.id), [
      again.record.id,
      mid.record.id,
      base.record.id,
    ]);
    assert.deepEqual(await store.images(), []);
  });

  it("keeps a named parent and reports a parent with children as not removed", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store, { names: ["localhost/base:1"] });
    const child = await buildImage(store, { parent: base, names: ["localhost/child:1"] });
    const { reports } = await removeImages(ctx, ["child:1"]);
    assert.deepEqual(reports.map((r) => r.id), [child.record.id]);
    const parentFirst = await buildImage(store, { parent: base, names: ["localhost/c:2"] });
    const result = await removeImages(ctx, ["base:1"]);
    assert.equal(result.reports[0].removed, false, "has children");
    assert.ok(await store.imageById(parentFirst.record.id));
  });

  it("bundles names resolving to one ID", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1", "localhost/a:2"] });
    const { reports, errors } = await removeImages(ctx, ["a:1", "a:2"]);
    assert.deepEqual(errors, []);
    assert.equal(reports.length, 1);
    assert.equal(reports[0].id, a.record.id);
    assert.equal(reports[0].removed, true);
    assert.deepEqual(reports[0].untagged, ["localhost/a:1", "localhost/a:2"]);
  });

  it("removes a manifest list, not its instances, with lookupManifest", async () => {
    const { ctx, store } = await makeContext();
    const amd = await buildImage(store);
    const list = await buildManifestList(store, [amd], ["localhost/multi:latest"]);
    const notList = await buildImage(store, { names: ["localhost/plain:1"] });
    const { reports, errors } = await removeImages(ctx, ["multi", "plain:1"], {
      lookupManifest: true,
    });
    assert.equal(errors.length, 1);
    assert.match(errors[0].message, /not a manifest list/);
    assert.deepEqual(reports.map((r) => r.id), [list.id]);
    assert.ok(await store.imageById(amd.record.id));
    assert.ok(await store.imageById(notList.record.id));
  });

  it("writes remove and untag events after each attempt, also on failure", async () => {
    const { ctx, store, containers, events } = await makeContext();
    const base = await buildImage(store);
    const top = await buildImage(store, { parent: base, names: ["localhost/top:1"] });
    await removeImages(ctx, ["top:1"]);
    const got = (await events()).map((e) => [e.type, e.id, e.name]);
    assert.deepEqual(got, [
      ["untag", top.record.id, "localhost/top:1"],
      ["remove", base.record.id, ""],
      ["remove", top.record.id, "localhost/top:1"],
    ]);
    const used = await buildImage(store, { names: ["localhost/used:1"] });
    containers.push({ id: "c", imageId: used.record.id });
    const failed = await removeImages(ctx, ["used:1"]);
    assert.equal(failed.errors.length, 1);
    assert.deepEqual((await events()).map((e) => [e.type, e.name]), [
      ["remove", "localhost/used:1"],
    ]);
  });
});

describe("removeImages and disk space", () => {
  it("frees the blobs of removed images and keeps those other images use", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store, { names: ["localhost/a:1"] });
    const b = await buildImage(store, { names: ["localhost/b:1"] });
    const { errors } = await removeImages(ctx, ["a:1"]);
    assert.deepEqual(errors, []);
    for (const layer of a.layers) assert.equal(await store.hasBlob(layer.digest), false);
    assert.equal(await store.hasBlob(a.manifestDigest), false);
    for (const layer of b.layers) assert.equal(await store.hasBlob(layer.digest), true);
    assert.equal(await store.hasBlob(b.manifestDigest), true);
  });
});
