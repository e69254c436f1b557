import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { diskUsage } from "../../src/runtime/disk_usage.ts";
import { CorruptedError } from "../../src/errors.ts";
import { makeContext } from "./_context.ts";
import { buildImage } from "./_images.ts";

describe("diskUsage", () => {
  it("splits shared and unique sizes and counts each layer once in the total", async () => {
    const { ctx, store, containers } = await makeContext();
    const base = await buildImage(store, { names: ["localhost/base:1"], layerSize: 1000 });
    const child = await buildImage(store, {
      parent: base,
      names: ["localhost/child:1", "localhost/child:2"],
      layerSize: 300,
    });
    const lonely = await buildImage(store, { layerSize: 40 });
    containers.push({ id: "c", imageId: child.record.id });
    const { images, totalSize } = await diskUsage(ctx);
    const configSize = (id: string) =>
      [base, child, lonely].find((i) => i.record.id === id)!.record.size -
      [base, child, lonely].find((i) => i.record.id === id)!.layers.reduce((s, l) => s + l.size, 0);
    assert.deepEqual(
      images.map((r) => [r.repository, r.tag, r.sharedSize, r.uniqueSize, r.containers]),
      [
        ["localhost/base", "1", 1000, configSize(base.record.id), 0],
        ["localhost/child", "1", 1000, 300 + configSize(child.record.id), 1],
        ["localhost/child", "2", 1000, 300 + configSize(child.record.id), 1],
        ["<none>", "<none>", 0, 40 + configSize(lonely.record.id), 0],
      ],
    );
    assert.ok(images.every((r) => r.size === r.sharedSize + r.uniqueSize));
    assert.equal(totalSize, base.record.size + child.record.size + lonely.record.size - 1000);
  });

  it("fails on a corrupted image", async () => {
    const { ctx, store } = await makeContext();
    const a = await buildImage(store);
    await ctx.fs.remove(`/store/blobs/sha256/${a.layers[0].digest.slice(7)}`);
    await assert.rejects(diskUsage(ctx), CorruptedError);
  });
});
