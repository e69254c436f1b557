// Deno with network permission for 127.0.0.1 and nothing else (no read, write, env, sys or
// run permission, no prompt) pulls into an in-memory runtime and reads a file of a layer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { useEdgeImage } from "./_edge_image.ts";
import { bin, run } from "./_spawn.ts";

const edgeImage = useEdgeImage();

describe("deno run --allow-net=127.0.0.1", () => {
  it("pulls into memory and reads a file from a layer with no other permission", async () => {
    const edge = edgeImage();
    for (const path of ["/etc/motd", "/opt/big.bin"]) {
      const result = await run(bin("deno"), [
        "run",
        "--no-prompt",
        "--allow-net=127.0.0.1",
        "tests/edge/_deno_pull_child.ts",
        edge.reference,
        path,
      ], { NO_COLOR: "1" });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.stdout, edge.expected[path], path);
    }
  });
});
