#!/usr/bin/env node
// Builds the npm distribution: `dist/` with ESM JavaScript and `.d.ts` files compiled
// from the TypeScript sources by `tsc` (relative `.ts` imports rewritten to `.js`), then
// replaces `dist/cli.js` with an esbuild bundle (each command's code in chunks under
// `dist/cli-chunks/`, loaded when the command runs: Node starts faster from a few files
// than from a few hundred modules), and marks the CLI executable. Fails when an entry of
// package.json's export map was not built.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, readFileSync, rmSync } from "node:fs";
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
});
const cli = join(root, "dist", "cli.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
console.log("dist: built");
