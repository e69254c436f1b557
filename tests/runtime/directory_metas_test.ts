import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { DirectoryMetas } from "../../src/runtime/_directory_metas.ts";

describe("DirectoryMetas", () => {
  it("lists children before their parent and forgets whole subtrees", () => {
    const metas = new DirectoryMetas();
    for (const rel of ["", "a", "a/b", "a/b/c", "a/bc", "d", "d/e"]) {
      metas.set(rel, { mode: 0o755 });
    }
    metas.set("a/b", { mode: 0o700 });
    const order = [...metas.entries()].map(([rel]) => rel);
    assert.deepEqual(new Set(order), new Set(["", "a", "a/b", "a/b/c", "a/bc", "d", "d/e"]));
    for (const [i, rel] of order.entries()) {
      for (const later of order.slice(i + 1)) assert.ok(!later.startsWith(`${rel}/`) || rel === "");
    }
    assert.ok(order.indexOf("a/b/c") < order.indexOf("a/b"));
    assert.ok(order.indexOf("a") < order.indexOf(""));
    assert.equal([...metas.entries()].find(([rel]) => rel === "a/b")?.[1].mode, 0o700);

    metas.forget("a/b");
    metas.forget("x/y");
    assert.deepEqual([...metas.entries()].map(([rel]) => rel).sort(), [
      "",
      "a",
      "a/bc",
      "d",
      "d/e",
    ]);
    metas.forget("");
    assert.deepEqual([...metas.entries()], []);
  });
});
