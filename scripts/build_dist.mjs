#!/usr/bin/env node
// Builds the npm distribution: `dist/` with ESM JavaScript and `.d.ts` files compiled
// from the TypeScript sources by `tsc` (relative `.ts` imports rewritten to `.js`), then
// replaces `dist/cli.js` with an esbuild bundle (each command's code in chunks under
// `dist/cli-chunks/`, loaded when the command runs: Node starts faster from a few files
// than from a few hundred modules; see src/cli/_modules.ts), and marks the CLI executable. Fails when an entry of
// package.json's export map was not built.
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
const { build } = await import("esbuild");
// src/cli/_modules.ts imports the command modules by URL, which Deno does not walk before
// the program starts (it walks every import it can read ahead) but a bundler cannot follow
// either: the bundle gets a literal import of each module of its CLI_MODULES list instead,
// so that each is a chunk loaded when its command runs.
const CLI_MODULE_IMPORT = "import(new URL(`./${name}.ts`, import.meta.url).href)";
const cliModules = {
  name: "cli-modules",
  setup(build) {
    build.onLoad({ filter: /[\\/]src[\\/]cli[\\/]_modules\.ts$/ }, async (args) => {
      const source = await readFile(args.path, "utf8");
      const list = /export const CLI_MODULES = \[([^\]]*)\]/.exec(source)?.[1];
      if (list === undefined || !source.includes(CLI_MODULE_IMPORT)) {
        throw new Error(`${args.path} no longer has CLI_MODULES and ${CLI_MODULE_IMPORT}`);
      }
      const names = [...list.matchAll(/"([a-z_]+)"/g)].map((match) => match[1]);
      const table = names.map((name) => `${name}: () => import("./${name}.ts")`).join(", ");
      const contents = source.replace(CLI_MODULE_IMPORT, `({ ${table} })[name]()`);
      return { contents, loader: "ts" };
    });
  },
};
await build({
  entryPoints: [join(root, "cli.ts")],
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outdir: join(root, "dist"),
  entryNames: "[name]",
  chunkNames: "cli-chunks/[name]-[hash]",
  logLevel: "warning",
  plugins: [cliModules],
});
const cli = join(root, "dist", "cli.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
console.log("dist: built");
