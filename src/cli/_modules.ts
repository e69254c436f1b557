/**
 * How the command line loads code it needs only sometimes: by name, from this folder,
 * when a command runs (`loadCliModule("images")` imports `src/cli/images.ts`). Every command
 * module, the runtime host and the short-name prompt are loaded this way, and nothing else
 * of the command line is.
 *
 * The import is by URL on purpose: Deno walks the module graph of every `import()` it can
 * read ahead (literal specifiers, templates, concatenations) before a program starts,
 * whether it is ever loaded or not. For this tree (every command, the runtime, the server,
 * the registry client, ...) that walk was about 15 ms of a 35 ms `stevedore version`. A
 * bundler cannot follow an import by URL either, so `scripts/build_dist.mjs` gives the
 * bundle literal imports of the modules named in {@linkcode CLI_MODULES} instead (one chunk
 * each, as before).
 *
 * @module
 */

/** The modules of this folder that are loaded by name. */
export const CLI_MODULES = [
  "copy",
  "events",
  "exists",
  "generate_sigstore_key",
  "history",
  "images",
  "import",
  "info",
  "inspect",
  "load",
  "login",
  "logout",
  "manifest",
  "prune",
  "pull",
  "push",
  "rmi",
  "save",
  "search",
  "serve",
  "tag",
  "tree",
  "trust",
  "unpack",
  "version",
  "_prompt",
  "_runtime_host",
] as const;

/** The name of a module loaded by name. */
export type CliModuleName = typeof CLI_MODULES[number];

/**
 * Imports `src/cli/NAME.ts`; `T` is its module type (`typeof import("./images.ts")`).
 *
 * @example
 * ```ts ignore
 * const { command } = await loadCliModule<typeof import("./images.ts")>("images");
 * ```
 */
export function loadCliModule<T>(name: CliModuleName): Promise<T> {
  return import(new URL(`./${name}.ts`, import.meta.url).href);
}
