#!/usr/bin/env node
// Builds the npm distribution: `dist/` with ESM JavaScript and `.d.ts` files compiled
// from the TypeScript sources by `tsc` (relative `.ts` imports rewritten to `.js`), then
// replaces `dist/cli.js` with a rollup bundle (the commands' code in chunks under
// `dist/cli-chunks/`, loaded when a command runs: Node starts faster from a few files than
// from a few hundred modules; see src/cli/_modules.ts), and marks the CLI executable. Fails
// when an entry of package.json's export map was not built or the bundle has warnings.
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
// The command line is bundled by rollup (TypeScript stripped by esbuild's transform, which
// also drops comments): an entry and chunks loaded as commands run, the same files on Node,
// Deno and Bun. Each runtime pays for each module file it loads (Node about 1 ms), and a
// bundler splits the code shared by different sets of commands into many small chunks (36
// files for `images`, 64 for a pull), so the modules that run together are grouped
// (GROUPS): `images` loads 2 chunks, a pull 3, a copy 4 (and its transports'). (rollup's experimentalMinChunkSize also
// merges chunks, but may merge into the entry, whose top-level await then deadlocks a
// command.)
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
/**
 * Chunks of modules that run together, each the static import closure of its roots less
 * the groups before it: `cli` is what every command runs (`version` needs nothing else),
 * `core` what `stevedore images` adds (the runtime and the store: most commands start from
 * it), `pull` what a pull from a registry adds (the modules it imports on the way). The
 * entry keeps nothing another chunk imports: a chunk importing the entry would wait for its
 * top-level await, which waits for the chunk.
 */
const GROUPS = [
  ["cli", ["cli.ts"]],
  ["core", [
    "src/cli/images.ts",
    "src/cli/_runtime_host.ts",
    "src/runtime/list_images.ts",
  ]],
  ["pull", [
    "src/cli/pull.ts",
    "src/runtime/pull.ts",
    "src/config/registries_conf.ts",
    "src/lookup/lookup_image.ts",
    "src/trust/trust_policy.ts",
    "src/registry/mod.ts",
    "src/transports/docker/source.ts",
    "src/transports/containers_storage/destination.ts",
    "src/store/layer_probe.ts",
    "src/digest/digest_verifier.ts",
  ]],
  ["copy", ["src/cli/copy.ts", "src/runtime/copy.ts", "src/trust/copy_signed_image.ts"]],
];
for (const [, roots] of GROUPS) {
  const gone = roots.filter((path) => !existsSync(join(root, path)));
  if (gone.length > 0) throw new Error(`build_dist.mjs: chunk roots moved: ${gone.join(", ")}`);
}
let groupOf;
/** The group `id` belongs to (never the entry itself, which stays its own file). */
function groupChunk(id, { getModuleInfo }) {
  if (groupOf === undefined) {
    groupOf = new Map();
    for (const [name, roots] of GROUPS) {
      const queue = roots.map((path) => join(root, path));
      while (queue.length > 0) {
        const next = queue.pop();
        if (groupOf.has(next)) continue;
        groupOf.set(next, name);
        queue.push(...(getModuleInfo(next)?.importedIds ?? []));
      }
    }
  }
  return id === ENTRY ? undefined : groupOf.get(id);
}
/**
 * fflate's Node build loads `node:module` and `worker_threads` when imported (for its async
 * API, which we do not use); on Deno that costs a pull process ~10 ms. Its browser build has
 * the same synchronous API and loads nothing.
 */
const fflateBrowser = {
  name: "fflate-browser",
  resolveId(id) {
    return id === "fflate" ? join(root, "node_modules", "fflate", "esm", "browser.js") : null;
  },
};
/**
 * Deno loads (reads and parses) every module a program could ever import before it starts,
 * following each `import("./literal.js")` too: the whole bundle (2.6 MB, ~80 chunks) for a
 * `version` that needs two files (30 ms instead of 21). A specifier computed at run time is
 * not followed, so each chunk is read when its command needs it, as Node and Bun do. (On
 * Deno the bundle then needs read access to its own folder, which `-A` gives.)
 */
const chunksOnDemand = {
  name: "chunks-on-demand",
  renderDynamicImport({ targetChunk }) {
    return targetChunk === null ? null : { left: "import(String(", right: "))" };
  },
};
const warnings = [];
const bundle = await rollup({
  input: ENTRY,
  external: (id) => id.startsWith("node:"),
  plugins: [
    cliModules,
    typescript,
    fflateBrowser,
    chunksOnDemand,
    nodeResolve({ exportConditions: ["node"] }),
  ],
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
  manualChunks: groupChunk,
});
await bundle.close();
if (warnings.length > 0) {
  console.error(`dist: the CLI bundle has warnings:\n${warnings.join("\n")}`);
  process.exit(1);
}
const cli = join(root, "dist", "cli.js");
if (existsSync(cli)) chmodSync(cli, 0o755);
console.log("dist: built");
