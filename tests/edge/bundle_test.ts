// The core must bundle for a Worker: esbuild for the browser platform, nothing external,
// must resolve every import of the root module, of the edge entry and of the example
// Worker without a single `node:` module (static or dynamic).
import { after, before, describe, it } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bin, run } from "./_spawn.ts";

interface Metafile {
  inputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
  outputs: Record<string, { imports: { path: string; kind: string; external?: boolean }[] }>;
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), "stevedore-bundle-"));
});
after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Every import of the bundle that leaves it (`node:` modules, externals). */
function leaving(meta: Metafile): string[] {
  const found: string[] = [];
  for (const [file, input] of Object.entries(meta.inputs)) {
    for (const imported of input.imports) {
      if (imported.path.startsWith("node:") || imported.external) {
        found.push(`${file}: ${imported.kind} ${imported.path}`);
      }
    }
  }
  for (const output of Object.values(meta.outputs)) {
    for (const imported of output.imports) {
      if (imported.path.startsWith("node:") || imported.external) {
        found.push(`output: ${imported.kind} ${imported.path}`);
      }
    }
  }
  return found;
}

async function bundle(entry: string): Promise<Metafile> {
  const name = entry.replace(/[/.]/g, "_");
  const metafile = join(dir, `${name}.json`);
  const result = await run(bin("esbuild"), [
    entry,
    "--bundle",
    "--platform=browser",
    "--format=esm",
    `--outfile=${join(dir, `${name}.js`)}`,
    `--metafile=${metafile}`,
    "--log-limit=0",
  ]);
  assert.equal(result.code, 0, `esbuild ${entry} failed:\n${result.stderr}`);
  return JSON.parse(await readFile(metafile, "utf8"));
}

describe("a Worker bundle", () => {
  for (const entry of ["mod.ts", "src/edge/mod.ts"]) {
    it(`${entry} bundles for the browser platform without a node: module`, async () => {
      const meta = await bundle(entry);
      assert.ok(Object.keys(meta.inputs).some((f) => f.startsWith("src/runtime/")));
      assert.deepEqual(leaving(meta), []);
    });
  }

  it("the example Worker builds, with its kernels as separate Wasm modules", async () => {
    const out = join(dir, "worker");
    const result = await run("node", ["examples/worker/build.mjs", out]);
    assert.equal(result.code, 0, result.stderr);
    const meta: Metafile = JSON.parse(await readFile(join(out, "meta.json"), "utf8"));
    assert.deepEqual(leaving(meta), []);
    const wasm = Object.keys(meta.outputs).filter((f) => f.endsWith(".wasm")).map((f) =>
      f.slice(f.lastIndexOf("/") + 1)
    ).sort();
    assert.deepEqual(wasm, ["crc32.wasm", "inflate.wasm", "sha256.wasm"]);
    const source = await readFile(join(out, "worker.js"), "utf8");
    assert.doesNotMatch(source, /\b(?:from|import)\s*\(?\s*["']node:/);
  });
});
