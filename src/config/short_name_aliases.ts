/**
 * The machine-written short-name-aliases.conf: where it lives, reading it, and recording
 * or removing an alias in it.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { parse, stringify, TomlError } from "smol-toml";
import type { Reference } from "../reference/mod.ts";
import { ConfigError, ShortNameError } from "../errors.ts";
import { type FileSystem, isNotFound, writeFileAtomic } from "../fs/mod.ts";
import { parseAliasTable, parseAliasValue, shortNameProblem } from "./_aliases.ts";
import type { AliasEntry } from "./registries_conf.ts";
import { cacheHome, type PathContext } from "./path_context.ts";
import { keyLineOf } from "./_toml_lines.ts";

/**
 * Where short-name-aliases.conf lives: `/var/cache/containers/short-name-aliases.conf`
 * for root, `$XDG_CACHE_HOME/containers/short-name-aliases.conf` (default `~/.cache/...`)
 * for everyone else.
 */
export function shortNameAliasesPath(ctx: PathContext): string {
  if (ctx.uid === 0) return "/var/cache/containers/short-name-aliases.conf";
  return posix.join(cacheHome(ctx), "containers", "short-name-aliases.conf");
}

interface AliasFile {
  table: Record<string, unknown>;
  text: string;
}

async function readTable(fs: FileSystem, path: string): Promise<AliasFile> {
  let text: string;
  try {
    text = await fs.readTextFile(path);
  } catch (error) {
    if (isNotFound(error)) return { table: {}, text: "" };
    throw new ConfigError(path, (error as Error).message, undefined, { cause: error });
  }
  try {
    return { table: parse(text) as Record<string, unknown>, text };
  } catch (error) {
    const line = error instanceof TomlError ? error.line : undefined;
    const reason = (error as Error).message.split("\n")[0];
    throw new ConfigError(path, `invalid TOML: ${reason}`, line, { cause: error });
  }
}

function aliasTable(table: Record<string, unknown>, path: string): Record<string, unknown> {
  const aliases = table.aliases ?? {};
  if (typeof aliases !== "object" || aliases === null || Array.isArray(aliases)) {
    throw new ConfigError(path, `"aliases" must be a table`);
  }
  return aliases as Record<string, unknown>;
}

/** Reads the aliases of short-name-aliases.conf at `path`; a missing file has none. */
export async function readShortNameAliases(
  fs: FileSystem,
  path: string,
): Promise<Map<string, AliasEntry>> {
  const { table, text } = await readTable(fs, path);
  if (table.aliases === undefined) return new Map();
  return parseAliasTable(aliasTable(table, path), path, keyLineOf(text));
}

async function writeAliases(
  fs: FileSystem,
  path: string,
  table: Record<string, unknown>,
): Promise<void> {
  await fs.mkdir(posix.dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(fs, path, stringify(table) + "\n", { mode: 0o600 });
}

/**
 * Records `name` → `value` in short-name-aliases.conf at `path`, replacing any alias for
 * `name`. `name` must be a short name and `value` a fully-qualified name, neither with a
 * tag or digest (a Reference's tag and digest are dropped). Written atomically, mode 0600.
 */
export async function addShortNameAlias(
  fs: FileSystem,
  path: string,
  name: string,
  value: string | Reference,
): Promise<void> {
  const problem = shortNameProblem(name);
  if (problem !== undefined) throw new ShortNameError(name, problem);
  const text = typeof value === "string" ? value : value.name;
  const parsed = parseAliasValue(text);
  if (typeof parsed === "string") throw new ShortNameError(name, parsed);
  const { table } = await readTable(fs, path);
  const aliases = { ...aliasTable(table, path), [name]: parsed.name };
  await writeAliases(fs, path, { ...table, aliases });
}

/**
 * Removes the alias for `name` from short-name-aliases.conf at `path`; fails when that
 * file has none (aliases from registries.conf are the user's to edit).
 */
export async function removeShortNameAlias(
  fs: FileSystem,
  path: string,
  name: string,
): Promise<void> {
  const problem = shortNameProblem(name);
  if (problem !== undefined) throw new ShortNameError(name, problem);
  const { table } = await readTable(fs, path);
  const aliases = { ...aliasTable(table, path) };
  if (!Object.hasOwn(aliases, name)) {
    throw new ShortNameError(
      name,
      `short-name alias "${name}" not found in "${path}": please check registries.conf files`,
    );
  }
  delete aliases[name];
  await writeAliases(fs, path, { ...table, aliases });
}
