// The architecture's dependency rules, checked on the sources themselves.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
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

describe("dependency rules", () => {
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
