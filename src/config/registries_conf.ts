/**
 * Loading registries.conf (v2) with its drop-ins and the machine-written
 * short-name-aliases.conf, merged the way containers/image merges them.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { ConfigError } from "../errors.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";
import { configHome, envValue, type PathContext } from "./path_context.ts";
import { type ParsedRegistriesFile, parseRegistriesFile } from "./_registries_file.ts";
import { readShortNameAliases, shortNameAliasesPath } from "./short_name_aliases.ts";
import type { Reference } from "../reference/mod.ts";

/** One alias and the file it comes from. */
export interface AliasEntry {
  /** The fully-qualified name the alias points to; undefined when a file cleared it (`""`). */
  value: Reference | undefined;
  /** The file that set it. */
  file: string;
}

/** How short names are resolved when several candidates exist. */
export type ShortNameMode = "enforcing" | "permissive" | "disabled";

/** Which pulls a mirror serves: every pull, pulls by digest only, or pulls by tag only. */
export type PullFromMirror = "all" | "digest-only" | "tag-only";

/** The credential-helpers entry that stands for the auth.json files themselves. */
export const AUTH_FILE_HELPER = "containers-auth.json";

/** One `[[registry.mirror]]` table. */
export interface MirrorConfig {
  /** host[:port][/namespace] to pull from instead. */
  location: string;
  /** Skip TLS verification and allow plain HTTP. */
  insecure: boolean;
  /** Which pulls may use this mirror; undefined means all. */
  pullFromMirror: PullFromMirror | undefined;
  /** The `ns` query parameter for a registry proxy, if any. */
  namespaceProxy?: string;
}

/** One `[[registry]]` table, after validation. */
export interface RegistryConfig {
  /** What it matches: host[:port][/namespace[/repo]], or `*.example.com`. */
  prefix: string;
  /** Where matching images really live; `""` only with a wildcard prefix (no rewriting). */
  location: string;
  /** Skip TLS verification and allow plain HTTP. */
  insecure: boolean;
  /** Refuse to pull from it. */
  blocked: boolean;
  /** Use the mirrors only for pulls by digest. */
  mirrorByDigestOnly: boolean;
  /** Mirrors, tried in order before the location. */
  mirrors: MirrorConfig[];
  /** The `ns` query parameter for a registry proxy, if any. */
  namespaceProxy?: string;
  /** The file that defined it. */
  file: string;
}

/** The merged configuration. */
export interface RegistriesConf {
  /** The files read, in the order they were merged. */
  files: string[];
  /** Registries, one per prefix, sorted by prefix. */
  registries: RegistryConfig[];
  /** host[:port] entries tried, in order, for short names. */
  unqualifiedSearchRegistries: string[];
  /** The file that set `unqualifiedSearchRegistries` (the main file when none did). */
  unqualifiedSearchRegistriesOrigin: string | undefined;
  /** The short-name mode. @default "permissive" */
  shortNameMode: ShortNameMode;
  /** Credential helpers consulted in order. @default ["containers-auth.json"] */
  credentialHelpers: string[];
  /** Aliases from registries.conf and its drop-ins. */
  aliases: Map<string, AliasEntry>;
  /** Where machine-written aliases are read from and recorded to. */
  shortNameAliasesPath: string;
  /** Aliases from short-name-aliases.conf; they override {@linkcode aliases}. */
  shortNameAliases: Map<string, AliasEntry>;
  /** Problems that did not stop loading (unknown keys). */
  warnings: string[];
}

/** Options of {@linkcode loadRegistriesConf}. */
export interface LoadRegistriesConfOptions extends PathContext {
  /** Where the files are read from. */
  fs: FileSystem;
  /**
   * A registries.conf to read instead of the default ones (the drop-ins still apply).
   * @default env CONTAINERS_REGISTRIES_CONF, then REGISTRIES_CONFIG_PATH
   */
  path?: string;
  /** A drop-in directory to read instead of the default ones (`""` reads none). */
  dropInDir?: string;
  /**
   * The short-name-aliases.conf to use.
   * @default `/var/cache/containers/` (root) or `$XDG_CACHE_HOME/containers/`
   */
  shortNameAliasesPath?: string;
  /** Called with each warning as well as collecting it. */
  warn?: (message: string) => void;
}

const SYSTEM_DIRS = ["/usr/share/containers", "/etc/containers"];

/** An empty configuration: no registries, no aliases, permissive mode. */
export function emptyRegistriesConf(shortNameAliasesPath = ""): RegistriesConf {
  return {
    files: [],
    registries: [],
    unqualifiedSearchRegistries: [],
    unqualifiedSearchRegistriesOrigin: undefined,
    shortNameMode: "permissive",
    credentialHelpers: [AUTH_FILE_HELPER],
    aliases: new Map(),
    shortNameAliasesPath,
    shortNameAliases: new Map(),
    warnings: [],
  };
}

async function readOptional(fs: FileSystem, path: string): Promise<string | undefined> {
  try {
    return await fs.readTextFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ConfigError(path, (error as Error).message, undefined, { cause: error });
  }
}

async function readRequired(fs: FileSystem, path: string): Promise<string> {
  const text = await readOptional(fs, path);
  if (text === undefined) throw new ConfigError(path, "no such file");
  return text;
}

/** The drop-in directories, lowest precedence first (containers' configfile rule). */
function dropInDirs(options: LoadRegistriesConfOptions, userDir: string): string[] {
  if (options.dropInDir !== undefined) return options.dropInDir === "" ? [] : [options.dropInDir];
  const special = options.uid === 0 ? "rootful" : "rootless";
  const dirs: string[] = [];
  for (const base of SYSTEM_DIRS) {
    dirs.push(`${base}/registries.conf.d`, `${base}/registries.${special}.conf.d`);
    if (options.uid !== 0) dirs.push(`${base}/registries.rootless.conf.d/${options.uid}`);
  }
  dirs.push(posix.join(userDir, "registries.conf.d"));
  return dirs;
}

/** `*.conf` files of `dirs`: a later directory replaces a same-named file; sorted by name. */
async function dropInFiles(fs: FileSystem, dirs: string[]): Promise<string[]> {
  const byName = new Map<string, string>();
  for (const dir of dirs) {
    let names: string[];
    try {
      names = await fs.readDir(dir);
    } catch (error) {
      if (isNotFound(error) || (error as { code?: string }).code === "ENOTDIR") continue;
      throw new ConfigError(dir, (error as Error).message, undefined, { cause: error });
    }
    for (const name of names) {
      if (!name.endsWith(".conf")) continue;
      const path = posix.join(dir, name);
      const info = await fs.stat(path).catch(() => undefined);
      if (info && (info.isFile || info.isSymlink)) byName.set(name, path);
    }
  }
  return [...byName.keys()].sort().map((name) => byName.get(name)!);
}

function merge(conf: RegistriesConf, file: ParsedRegistriesFile, isMain: boolean): void {
  conf.files.push(file.path);
  const byPrefix = new Map(conf.registries.map((registry) => [registry.prefix, registry]));
  for (const registry of file.registries) byPrefix.set(registry.prefix, registry);
  conf.registries = [...byPrefix.keys()].sort().map((prefix) => byPrefix.get(prefix)!);
  if (file.unqualifiedSearchRegistries !== undefined) {
    conf.unqualifiedSearchRegistries = file.unqualifiedSearchRegistries;
    conf.unqualifiedSearchRegistriesOrigin = file.path;
  } else if (isMain) {
    conf.unqualifiedSearchRegistriesOrigin = file.path;
  }
  if (file.credentialHelpers !== undefined) conf.credentialHelpers = file.credentialHelpers;
  if (file.shortNameMode !== undefined) conf.shortNameMode = file.shortNameMode;
  for (const [name, alias] of file.aliases) conf.aliases.set(name, alias);
}

/**
 * Reads registries.conf the way containers/image does:
 * - `path` (or `$CONTAINERS_REGISTRIES_CONF`, then `$REGISTRIES_CONFIG_PATH`), when set;
 * - otherwise the first that exists of `$XDG_CONFIG_HOME/containers/registries.conf`
 *   (default `~/.config/...`), `/etc/containers/registries.conf` and
 *   `/usr/share/containers/registries.conf`;
 * - then the `*.conf` drop-ins of `dropInDir` when given, else those of
 *   `/usr/share/containers/`, `/etc/containers/` (each `registries.conf.d/`,
 *   `registries.rootful.conf.d/` or `registries.rootless.conf.d/[<uid>/]`) and
 *   `~/.config/containers/registries.conf.d/`, sorted by file name, where a later
 *   directory's file replaces a same-named earlier one;
 * - finally `$CONTAINERS_REGISTRIES_CONF_OVERRIDE`, when set.
 *
 * Later files replace `unqualified-search-registries`, `short-name-mode` and
 * `credential-helpers` when they set them, and merge `[aliases]` and `[[registry]]`
 * (by prefix); a later empty alias value clears the alias. The short-name-aliases.conf
 * is read too. The v1 format is refused.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * import { loadRegistriesConf } from "./registries_conf.ts";
 * const fs = new MemoryFileSystem();
 * await fs.mkdir("/etc/containers", { recursive: true });
 * await fs.writeFile("/etc/containers/registries.conf", 'unqualified-search-registries = ["quay.io"]');
 * const conf = await loadRegistriesConf({ fs, env: {}, homeDir: "/root", uid: 0 });
 * conf.unqualifiedSearchRegistries; // ["quay.io"]
 * ```
 */
export async function loadRegistriesConf(
  options: LoadRegistriesConfOptions,
): Promise<RegistriesConf> {
  const { fs, env } = options;
  const conf = emptyRegistriesConf(options.shortNameAliasesPath ?? shortNameAliasesPath(options));
  const warnings: string[] = [];
  const load = (path: string, text: string, isMain: boolean) =>
    merge(conf, parseRegistriesFile(path, text, warnings), isMain);

  const userDir = posix.join(configHome(options), "containers");
  const explicit = options.path ?? envValue(env, "CONTAINERS_REGISTRIES_CONF") ??
    envValue(env, "REGISTRIES_CONFIG_PATH");
  if (explicit !== undefined) {
    // containers/image still applies the drop-in folders to an explicitly named file.
    load(explicit, await readRequired(fs, explicit), true);
  } else {
    const mains = [
      posix.join(userDir, "registries.conf"),
      "/etc/containers/registries.conf",
      "/usr/share/containers/registries.conf",
    ];
    for (const path of mains) {
      const text = await readOptional(fs, path);
      if (text === undefined) continue;
      load(path, text, true);
      break;
    }
  }
  for (const path of await dropInFiles(fs, dropInDirs(options, userDir))) {
    const text = await readOptional(fs, path);
    if (text !== undefined) load(path, text, false);
  }
  const override = envValue(env, "CONTAINERS_REGISTRIES_CONF_OVERRIDE");
  if (override !== undefined) load(override, await readRequired(fs, override), false);

  conf.shortNameAliases = await readShortNameAliases(fs, conf.shortNameAliasesPath);
  conf.warnings = warnings;
  for (const warning of warnings) options.warn?.(warning);
  return conf;
}
