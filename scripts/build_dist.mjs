#!/usr/bin/env node
// Builds the npm distribution: `dist/` with ESM JavaScript and `.d.ts` files compiled
// from the TypeScript sources by `tsc` (relative `.ts` imports rewritten to `.js`), then
// replaces `dist/cli.js` with a rollup bundle (the commands' code in chunks under
// `dist/cli-chunks/`, loaded when a command runs: Node starts faster from a few files than
// from a few hundred modules; see src/cli/_modules.ts), and marks the CLI executable. Fails
// when an entry of package.json's export map was not built or the bundle has warnings.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
rmSync(join(root, "dist"), { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (result.status !== 0) process.exit(result.status ?? 1);
// Every target of package.json's export map must have been built.
const exportsMap = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).exports;
const missing = Object.entries(exportsMap).flatMap(([subpath, targets]) =>
  Object.values(targets).filter((target) => !existsSync(join(root, target))).map((target) =>
    `${subpath}: ${target}`
  )
);
if (missing.length > 0) {
  console.error(`dist: not built: ${missing.join(", ")} (add the entry to tsconfig.build.json)`);
  process.exit(1);
}
// The command line is bundled by rollup (TypeScript stripped by esbuild's transform, which
// also drops comments): an entry and chunks loaded as commands run. Node pays about 1 ms
// for each module file it loads, and a bundler splits the code shared by different sets of
// commands into many small chunks (36 files for `images`), so what a listing command needs
// (CORE_ROOTS and their static imports) is one chunk, `core`: `images` loads that one file
// and every other command starts from it. (rollup's experimentalMinChunkSize also merges
// chunks, but may merge into the entry, whose top-level await then deadlocks a command.)
const { rollup } = await import("rollup");
const { nodeResolve } = await import("@rollup/plugin-node-resolve");
const { transform } = await import("esbuild");
const ENTRY = join(root, "cli.ts");
// src/cli/_modules.ts imports the command modules by URL, which Deno does not walk before
// the program starts but a bundler cannot follow either: the bundle gets a literal import
// of each module of its CLI_MODULES list instead, so that each is a chunk loaded when its
// command runs.
const CLI_MODULE_IMPORT = "import(new URL(`./${name}.ts`, import.meta.url).href)";
const cliModules = {
  name: "cli-modules",
  transform(source, id) {
    if (!/[\\/]src[\\/]cli[\\/]_modules\.ts$/.test(id)) return null;
    const list = /export const CLI_MODULES = \[([^\]]*)\]/.exec(source)?.[1];
    if (list === undefined || !source.includes(CLI_MODULE_IMPORT)) {
      throw new Error(`${id} no longer has CLI_MODULES and ${CLI_MODULE_IMPORT}`);
    }
    const names = [...list.matchAll(/"([a-z_]+)"/g)].map((match) => match[1]);
    const table = names.map((name) => `${name}: () => import("./${name}.ts")`).join(", ");
    return { code: source.replace(CLI_MODULE_IMPORT, `({ ${table} })[name]()`), map: null };
  },
};
const typescript = {
  name: "typescript",
  async transform(source, id) {
    if (!id.endsWith(".ts")) return null;
    const result = await transform(source, { loader: "ts", format: "esm", target: "node20" });
    return { code: result.code, map: null };
  },
};
/** What `stevedore images` runs: the core chunk is these and everything they import. */
const CORE_ROOTS = [
  "cli.ts",
  "src/cli/images.ts",
  "src/cli/_runtime_host.ts",
  "src/runtime/list_images.ts",
].map((path) => join(root, path));
let core;
/** Puts the static import closure of CORE_ROOTS (but the entry itself) into `core`. */
function coreChunk(id, { getModuleInfo }) {
  if (core === undefined) {
    core = new Set();
    const queue = [...CORE_ROOTS];
    while (queue.length > 0) {
      const next = queue.pop();
      if (core.has(next)) continue;
      core.add(next);
      queue.push(...(getModuleInfo(next)?.importedIds ?? []));
    }
  }
  return core.has(id) && id !== ENTRY ? "core" : undefined;
}
const warnings = [];
const bundle = await rollup({
  input: ENTRY,
  external: (id) => id.startsWith("node:"),
  plugins: [cliModules, typescript, nodeResolve({ exportConditions: ["node"] })],
  onwarn(warning) {
    // Circular imports inside npm packages are theirs to keep; anything else fails the build.
    const inPackages = warning.ids?.every((id) => id.includes("node_modules"));
    if (warning.code !== "CIRCULAR_DEPENDENCY" || !inPackages) warnings.push(warning.message);
  },
});
await bundle.write({
  dir: join(root, "dist"),
  format: "es",
  entryFileNames: "cli.js",
  chunkFileNames: "cli-chunks/[name]-[hash].js",
  manualChunks: coreChunk,
});
await bundle.close();
if (warnings.length > 0) {
  console.error(`dist: the CLI bundle has warnings:\n${warnings.join("\n")}`);
  process.exit(1);
}
const cli = join(root, "dist", "cli.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
console.log("dist: built");
