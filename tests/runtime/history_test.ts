import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { history } from "../../src/runtime/history.ts";
import { ImageNotFoundError } from "../../src/errors.ts";
import { makeContext } from "./_context.ts";
import { buildImage } from "./_images.ts";

describe("history", () => {
  it("lists steps newest first with image IDs on their layers and <missing> elsewhere", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store, { layers: 2, layerSize: 300 });
    const child = await buildImage(store, {
      parent: base,
      names: ["localhost/child:1"],
      createdBy: "RUN make",
      layerSize: 50,
    });
    const rows = await history(ctx, "child:1");
    assert.equal(rows.length, 3);
    assert.deepEqual(rows.map((r) => r.id), [child.record.id, base.record.id, "<missing>"]);
    assert.equal(rows[0].createdBy, "RUN make");
    assert.deepEqual(rows.map((r) => r.size), [50, 300, 300]);
    assert.deepEqual(rows[0].tags, ["localhost/child:1"]);
    assert.deepEqual(rows[1].tags, []);
    assert.equal(rows[0].created?.toISOString(), child.config.created);
  });

  it("gives empty-layer steps size 0 and shares the layer below", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store, { names: ["localhost/base:1"], layerSize: 70 });
    const label = await buildImage(store, {
      parent: base,
      emptyLayer: true,
      names: ["localhost/label:1"],
    });
    const rows = await history(ctx, "label:1");
    assert.equal(rows.length, 2);
    assert.equal(rows[0].size, 0);
    assert.equal(rows[1].size, 70);
    // Both images top the same layer: the first one in store order takes the ID, once.
    assert.deepEqual(rows.map((r) => r.id), [base.record.id, "<missing>"]);
    assert.deepEqual(rows[0].tags, ["localhost/base:1", "localhost/label:1"]);
    assert.ok(label.record.id !== base.record.id);
  });

  it("fails for unknown images", async () => {
    const { ctx } = await makeContext();
    await assert.rejects(history(ctx, "nothere"), ImageNotFoundError);
  });
});
