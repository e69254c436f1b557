// The architecture's dependency rules, checked on the sources themselves.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

async function sourceFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...await sourceFiles(path));
    else if (entry.name.endsWith(".ts")) files.push(path);
  }
  return files;
}

/** Source text with comments and string literals blanked, so only code is matched. */
function codeOnly(text: string): string {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, " ")
    .replace(/\/\/[^\n]*/g, " ")
    .replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""');
}

/** The layers of docs/ARCHITECTURE.md, lowest first: each a list of `src/` folder names. */
export function parseLayers(markdown: string): string[][] {
  const section = /^## Layers\n([\s\S]*?)(?=^## )/m.exec(markdown)?.[1] ?? "";
  const layers: string[][] = [];
  for (const line of section.split("\n")) {
    const item = /^(\d+)\.\s+([^:]*):/.exec(line);
    if (item === null) continue;
    assert.equal(Number(item[1]), layers.length + 1, `layer numbers run in order: ${line}`);
    layers.push([...item[2].matchAll(/`([^`]+)`/g)].map((match) => match[1]));
  }
  return layers;
}

/** The `src/` folder a path under `src/` belongs to (`errors` for `src/errors.ts`). */
function folderOf(path: string): string {
  return path.slice("src/".length).split("/")[0].replace(/\.ts$/, "");
}

/** Every relative import (static, re-export or dynamic) of a source text. */
function relativeImports(text: string): string[] {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, " ").replace(/^\s*\/\/[^\n]*/gm, " ");
  return [...code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)"(\.{1,2}\/[^"]+)"/g)]
    .map((match) => match[1]);
}

/** The imports of `src/` that break the layer order: `from -> to` lines. */
async function layerViolations(layers: string[][]): Promise<string[]> {
  const layerOf = new Map<string, number>();
  layers.forEach((folders, index) => folders.forEach((folder) => layerOf.set(folder, index)));
  const offenders: string[] = [];
  for (const file of await sourceFiles(join(root, "src"))) {
    const path = relative(root, file).replaceAll("\\", "/");
    const from = folderOf(path);
    const fromLayer = layerOf.get(from);
    if (fromLayer === undefined) {
      offenders.push(`${path}: folder "${from}" has no layer in docs/ARCHITECTURE.md`);
      continue;
    }
    for (const specifier of relativeImports(await readFile(file, "utf8"))) {
      const target = relative(root, join(dirname(file), specifier)).replaceAll("\\", "/");
      if (!target.startsWith("src/")) {
        offenders.push(`${path} -> ${specifier} (outside src/)`);
        continue;
      }
      const to = folderOf(target);
      if (to === from) continue;
      const toLayer = layerOf.get(to);
      if (toLayer === undefined || toLayer >= fromLayer) {
        offenders.push(
          `${path} (${from}, layer ${fromLayer + 1}) -> ${target} (${to}, layer ${
            toLayer === undefined ? "none" : toLayer + 1
          })`,
        );
      }
    }
  }
  return offenders;
}

/** The class names of the concrete transports' references, sources and destinations. */
const CONCRETE =
  "(?:Oci|OciArchive|OciLayout|LayoutEntry|Docker|DockerImage|DockerArchive|Dir|DockerDaemon|" +
  "ContainersStorage)(?:Reference|Source|Destination|Transport)\\b";

/**
 * Why the runtime's load may not import `path` (under the root): it lies in a concrete
 * transport's folder (`src/transports/oci/...`) or is private plumbing of the transports
 * (`src/transports/_tar/...`, `_temp.ts`); `undefined` for the seam's public modules
 * (`types.ts`, `mod.ts`, `transport_table.ts`, `extract_archive.ts`) and anything outside
 * `src/transports/`.
 */
function transportImportProblem(path: string): string | undefined {
  const match = /^src\/transports\/([^/]+)(\/)?/.exec(path);
  if (match === null) return undefined;
  if (match[2] !== undefined) {
    return match[1].startsWith("_") ? "private plumbing" : `the ${match[1]} transport`;
  }
  return match[1].startsWith("_") ? "a private file" : undefined;
}

describe("dependency rules", () => {
  it("src/ imports follow the layer order of docs/ARCHITECTURE.md", async () => {
    const layers = parseLayers(await readFile(join(root, "docs", "ARCHITECTURE.md"), "utf8"));
    assert.ok(layers.length >= 5, `too few layers parsed: ${JSON.stringify(layers)}`);
    assert.deepEqual(layers[0].slice(0, 2), ["types", "errors"]);
    assert.deepEqual(await layerViolations(layers), []);
  });

  it("the layer checker sees an upward import and a folder without a layer", async () => {
    // The real sources against broken layer lists: without `cli`, and upside down.
    const layers = parseLayers(await readFile(join(root, "docs", "ARCHITECTURE.md"), "utf8"));
    const withoutCli = layers.map((folders) => folders.filter((f) => f !== "cli"));
    const offenders = await layerViolations(withoutCli);
    assert.ok(offenders.some((line) => line.startsWith("src/cli/") && line.includes("no layer")));
    const inverted = [...layers].reverse();
    const upward = await layerViolations(inverted);
    assert.ok(upward.some((line) => line.startsWith("src/runtime/runtime.ts")), upward[0]);
    assert.deepEqual(relativeImports('export { a } from "./a.ts";\nconst m = import("../b.ts");'), [
      "./a.ts",
      "../b.ts",
    ]);
  });

  it("src/ touches Deno.*, Bun.* and process only inside src/fs/", async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(join(root, "src"))) {
      const path = relative(root, file).replaceAll("\\", "/");
      if (path.startsWith("src/fs/")) continue;
      const code = codeOnly(await readFile(file, "utf8"));
      if (/\bDeno\s*\.|\bBun\s*\.|(?<![.\w])process\s*\./.test(code)) offenders.push(path);
    }
    assert.deepEqual(offenders, []);
  });

  it("only src/wasm/ touches WebAssembly", async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(join(root, "src"))) {
      const path = relative(root, file).replaceAll("\\", "/");
      if (path.startsWith("src/wasm/")) continue;
      if (/\bWebAssembly\b/.test(codeOnly(await readFile(file, "utf8")))) offenders.push(path);
    }
    assert.deepEqual(offenders, []);
  });

  it("outside src/transports/, nobody switches on a transport's name or casts a reference", async () => {
    const offenders: string[] = [];
    const forbidden = [
      /\btransport\.name\s*[!=]==?/,
      /[!=]==?\s*\w+\.transport\.name\b/,
      /\bswitch\s*\([^)]*\btransport\.name\b/,
      new RegExp(`\\b(?:as|instanceof)\\s+${CONCRETE}`),
    ];
    for (const file of await sourceFiles(join(root, "src"))) {
      const path = relative(root, file).replaceAll("\\", "/");
      if (path.startsWith("src/transports/")) continue;
      const code = codeOnly(await readFile(file, "utf8"));
      for (const pattern of forbidden) {
        if (pattern.test(code)) offenders.push(`${path}: ${pattern}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("load names no format: src/runtime/load.ts and _load_*.ts import no concrete transport", async () => {
    const offenders: string[] = [];
    const runtimeDir = join(root, "src", "runtime");
    const files = (await readdir(runtimeDir))
      .filter((name) => name === "load.ts" || /^_load_.*\.ts$/.test(name));
    assert.ok(files.length >= 4, `load files found: ${files}`);
    for (const name of files) {
      const file = join(runtimeDir, name);
      for (const specifier of relativeImports(await readFile(file, "utf8"))) {
        const target = relative(root, join(dirname(file), specifier)).replaceAll("\\", "/");
        const problem = transportImportProblem(target);
        if (problem !== undefined) offenders.push(`src/runtime/${name} -> ${target} (${problem})`);
      }
    }
    assert.deepEqual(offenders, []);
    assert.equal(transportImportProblem("src/transports/oci/mod.ts"), "the oci transport");
    assert.equal(transportImportProblem("src/transports/_tar/mod.ts"), "private plumbing");
    assert.equal(transportImportProblem("src/transports/_temp.ts"), "a private file");
    assert.equal(transportImportProblem("src/transports/types.ts"), undefined);
    assert.equal(transportImportProblem("src/errors.ts"), undefined);
  });

  it("src/types/ is a leaf that imports nothing of ours", async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(join(root, "src", "types"))) {
      const text = await readFile(file, "utf8");
      for (const match of text.matchAll(/from\s+"(\.[^"]*)"/g)) {
        if (match[1].startsWith("../")) offenders.push(`${relative(root, file)} -> ${match[1]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  // Dynamic imports and bundling are checked by tests/edge/bundle_test.ts.
  it("src/ imports no node: module at load time, but in the CLI", async () => {
    const offenders: string[] = [];
    for (const file of await sourceFiles(join(root, "src"))) {
      const path = relative(root, file).replaceAll("\\", "/");
      if (path.startsWith("src/cli/")) continue;
      const text = await readFile(file, "utf8");
      for (
        const match of text.matchAll(
          /^\s*(import|export)\s+(?!type\b)[^;]*?from\s+"(node:[^"]+)"/gm,
        )
      ) {
        offenders.push(`${path} -> ${match[2]}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it("the checker itself sees a forbidden use", () => {
    assert.match(codeOnly("const x = Deno.env.get('A');"), /\bDeno\s*\./);
    assert.doesNotMatch(codeOnly("// Deno.env is not used here"), /\bDeno\s*\./);
  });
});
