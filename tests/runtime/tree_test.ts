import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { tree } from "../../src/runtime/tree.ts";
import { formatG, humanSize } from "../../src/runtime/_human_size.ts";
import { makeContext } from "./_context.ts";
import { buildImage } from "./_images.ts";

const hex12 = (digest: string) => digest.slice(7, 19);

describe("human sizes", () => {
  it("formats like go-units HumanSize", () => {
    assert.equal(humanSize(5_590_000), "5.59 MB");
    assert.equal(humanSize(999), "999 B");
    assert.equal(humanSize(1000), "1 kB");
    assert.equal(humanSize(1_234_567_890), "1.23 GB");
    assert.equal(humanSize(5_594_000, 4), "5.594 MB");
    assert.equal(humanSize(999_600), "1e+03 kB");
    assert.equal(formatG(0.00001234, 3), "1.23e-05");
  });
});

describe("tree", () => {
  it("prints the header and the layers base first", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store, { names: ["localhost/base:1"], layerSize: 1500 });
    const child = await buildImage(store, {
      parent: base,
      names: ["localhost/child:1"],
      layerSize: 200,
    });
    const text = await tree(ctx, "child:1");
    const [l1, l2] = child.layers;
    assert.equal(
      text,
      [
        `Image ID: ${child.record.id.slice(0, 12)}`,
        "Tags:     [localhost/child:1]",
        `Size:     ${humanSize(child.record.size, 4)}`,
        "Image Layers",
        `├── ID: ${hex12(l1.digest)} Size:  1.5 kB Top Layer of: [localhost/base:1]`,
        `└── ID: ${hex12(l2.digest)} Size:   200 B Top Layer of: [localhost/child:1]`,
        "",
      ].join("\n"),
    );
  });

  it("says No Image Layers for an image without layers", async () => {
    const { ctx, store } = await makeContext();
    await buildImage(store, { names: ["localhost/empty:1"], layers: 0 });
    const text = await tree(ctx, "empty:1");
    assert.ok(text.endsWith("No Image Layers\n"), text);
  });

  it("draws what requires an image, branching at siblings", async () => {
    const { ctx, store } = await makeContext();
    const base = await buildImage(store, { names: ["localhost/base:1"], layerSize: 10 });
    const a = await buildImage(store, { parent: base, names: ["localhost/a:1"], layerSize: 10 });
    const b = await buildImage(store, { parent: base, names: ["localhost/b:1"], layerSize: 10 });
    const text = await tree(ctx, "base:1", { whatRequires: true });
    const lines = text.split("\n");
    assert.equal(lines[3], "Image Layers");
    assert.equal(
      lines.slice(4).join("\n"),
      [
        `├── ID: ${hex12(base.layers[0].digest)} Size:    10 B Top Layer of: [localhost/base:1]`,
        `├── ID: ${hex12(a.layers[1].digest)} Size:    10 B Top Layer of: [localhost/a:1]`,
        `└── ID: ${hex12(b.layers[1].digest)} Size:    10 B Top Layer of: [localhost/b:1]`,
        "",
      ].join("\n"),
    );
  });
});
