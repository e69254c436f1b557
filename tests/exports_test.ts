// The package's entry points: the JSR export map (deno.json) and the npm one (package.json)
// name the same subpaths, every npm target is the build of its JSR source, every entry has
// a module doc with an example, and nothing public is declared in a private `_` file.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"));
const denoExports: Record<string, string> = json("deno.json").exports;
const npmExports: Record<string, { types: string; import: string }> = json("package.json").exports;

/**
 * The most symbols the root module may export, errors included: what a newcomer can hold
 * in their head. Every error class is in `/errors`; the root has the base class, the codes
 * and the errors programs catch most.
 */
const ROOT_SYMBOL_LIMIT = 80;

/** Names the root must not have: the seams (they live in `/runtime` and `/copy`). */
const SEAMS = ["openRuntime", "runtimeParts", "RuntimeSeams", "copyBetween", "CopySeams"];

interface DocNode {
  name: string;
  declarations?: { location: { filename: string } }[];
  location?: { filename: string };
}

/** `deno doc --json` of the entry points: their exported symbols, by entry file. */
function documentedSymbols(entries: string[]): Map<string, DocNode[]> {
  const deno = join(root, "node_modules", ".bin", "deno");
  const output = execFileSync(deno, ["doc", "--json", ...entries], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    stdio: ["ignore", "pipe", "ignore"],
  });
  const doc = JSON.parse(output) as { nodes: Record<string, { symbols: DocNode[] }> };
  const result = new Map<string, DocNode[]>();
  for (const [url, node] of Object.entries(doc.nodes)) {
    result.set(fileURLToPath(url), node.symbols ?? []);
  }
  return result;
}

describe("export maps", () => {
  it("deno.json and package.json name the same subpaths", () => {
    assert.deepEqual(Object.keys(npmExports).sort(), Object.keys(denoExports).sort());
  });

  it("every npm target is the build of the JSR source of the same subpath", () => {
    for (const [subpath, source] of Object.entries(denoExports)) {
      assert.match(source, /^\.\/.*\.ts$/, subpath);
      const built = source.replace(/^\.\//, "./dist/").replace(/\.ts$/, "");
      assert.deepEqual(npmExports[subpath], { types: `${built}.d.ts`, import: `${built}.js` });
    }
  });

  it("the npm build compiles every entry point", () => {
    const files: string[] = json("tsconfig.build.json").files;
    for (const source of Object.values(denoExports)) {
      assert.ok(
        files.includes(source.replace(/^\.\//, "")),
        `${source} not in tsconfig.build.json`,
      );
    }
  });

  it("every entry point exists, is public and documents itself with an example", () => {
    for (const [subpath, source] of Object.entries(denoExports)) {
      const path = join(root, source);
      assert.ok(existsSync(path), `${subpath}: ${source} is missing`);
      assert.ok(!/(^|\/)_[^/]*$/.test(source), `${subpath}: ${source} is a private file`);
      const text = readFileSync(path, "utf8");
      const moduleDoc = /^(?:#![^\n]*\n)?\/\*\*([\s\S]*?)\*\//.exec(text)?.[1] ?? "";
      assert.match(moduleDoc, /@module/, `${subpath}: no module doc`);
      if (subpath !== "./cli") assert.match(moduleDoc, /```ts/, `${subpath}: no example`);
    }
  });
});

describe("public symbols", () => {
  const entries = Object.values(denoExports).filter((source) => source !== "./cli.ts");
  const symbols = documentedSymbols(entries);

  it("none is declared in a private `_` file", () => {
    const offenders: string[] = [];
    for (const [entry, nodes] of symbols) {
      for (const node of nodes) {
        const files = (node.declarations ?? []).map((d) => d.location.filename);
        if (node.location) files.push(node.location.filename);
        for (const file of files) {
          if (/\/_[^/]*$/.test(file)) offenders.push(`${entry}: ${node.name} (${file})`);
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  it(`the root module exports at most ${ROOT_SYMBOL_LIMIT} symbols, and no seam`, () => {
    const names = (symbols.get(join(root, "mod.ts")) ?? []).map((node) => node.name);
    for (const name of ["Runtime", "copyImage", "StevedoreError", "ErrorCode"]) {
      assert.ok(names.includes(name), `${name} missing from: ${names.join(", ")}`);
    }
    assert.ok(
      names.length <= ROOT_SYMBOL_LIMIT,
      `${names.length} root symbols: ${names.join(", ")}`,
    );
    assert.deepEqual(names.filter((name) => SEAMS.includes(name)), []);
  });

  it("every error class is in /errors, and the root's errors are the same classes", async () => {
    const errors = await import("../src/errors.ts");
    const rootModule: Record<string, unknown> = await import("../mod.ts");
    const errorsEntry = (symbols.get(join(root, "src", "errors.ts")) ?? []).map((n) => n.name);
    for (const [name, value] of Object.entries(errors)) {
      assert.ok(errorsEntry.includes(name), `${name} is not documented by /errors`);
      if (name in rootModule) assert.equal(rootModule[name], value, name);
    }
  });

  it("the root module exports no operation twice (no free functions over a context)", () => {
    const rootSymbols = symbols.get(join(root, "mod.ts")) ?? [];
    const names = new Set(rootSymbols.map((node) => node.name));
    for (const operation of ["pull", "push", "listImages", "removeImages", "save", "load", "tag"]) {
      assert.ok(!names.has(operation), `${operation} is exported besides Runtime.${operation}`);
    }
  });
});
