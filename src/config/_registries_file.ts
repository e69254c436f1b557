/**
 * Parses and validates one registries.conf (v2) file; merging several is the caller's job.
 *
 * @module
 */
import { parse, TomlError } from "smol-toml";
import { ConfigError } from "../errors.ts";
import { parseAliasTable } from "./_aliases.ts";
import type { AliasEntry } from "./registries_conf.ts";
import { type KeyLineOf, keyLineOf } from "./_toml_lines.ts";
import type {
  MirrorConfig,
  PullFromMirror,
  RegistryConfig,
  ShortNameMode,
} from "./registries_conf.ts";

/** What one file says; undefined fields were not set in it. */
export interface ParsedRegistriesFile {
  /** The file. */
  path: string;
  /** Its `[[registry]]` tables, one per prefix (the first wins), sorted by prefix. */
  registries: RegistryConfig[];
  /** `unqualified-search-registries`, when set. */
  unqualifiedSearchRegistries?: string[];
  /** `credential-helpers`, when set. */
  credentialHelpers?: string[];
  /** `short-name-mode`, when set. */
  shortNameMode?: ShortNameMode;
  /** `[aliases]`. */
  aliases: Map<string, AliasEntry>;
}

const TOP_KEYS = new Set([
  "registry",
  "unqualified-search-registries",
  "credential-helpers",
  "short-name-mode",
  "additional-layer-store-auth-helper",
  "aliases",
]);
const REGISTRY_KEYS = new Set([
  "prefix",
  "location",
  "insecure",
  "blocked",
  "mirror-by-digest-only",
  "mirror",
  "pull-from-mirror",
  "namespace-proxy",
]);
const MIRROR_KEYS = new Set(["location", "insecure", "pull-from-mirror", "namespace-proxy"]);
const MODES = new Set(["enforcing", "permissive", "disabled"]);
const PULL_FROM_MIRROR = new Set(["all", "digest-only", "tag-only"]);
// host[:port], where host is a DNS name or a bracketed IPv6 address.
const DOMAIN = new RegExp(
  "^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])" +
    "(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*" +
    "|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?$",
);

type Table = Record<string, unknown>;

class FileReader {
  readonly lineOf: KeyLineOf;

  constructor(readonly path: string, text: string, readonly warnings: string[]) {
    this.lineOf = keyLineOf(text);
  }

  fail(keyPath: string, detail: string): never {
    throw new ConfigError(this.path, detail, this.lineOf(keyPath));
  }

  checkKeys(table: Table, known: Set<string>, prefix: string): void {
    for (const key of Object.keys(table)) {
      if (known.has(key)) continue;
      const keyPath = join(prefix, key);
      const line = this.lineOf(keyPath);
      const where = line === undefined ? this.path : `${this.path}:${line}`;
      this.warnings.push(`Ignoring unknown key "${keyPath}" in ${where}`);
    }
  }

  string(table: Table, key: string, prefix: string): string | undefined {
    const value = table[key];
    if (value === undefined || typeof value === "string") return value;
    this.fail(join(prefix, key), `"${key}" must be a string`);
  }

  boolean(table: Table, key: string, prefix: string): boolean {
    const value = table[key];
    if (value === undefined) return false;
    if (typeof value === "boolean") return value;
    this.fail(join(prefix, key), `"${key}" must be a boolean`);
  }

  stringArray(table: Table, key: string): string[] | undefined {
    const value = table[key];
    if (value === undefined) return undefined;
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) {
      return [...value] as string[];
    }
    this.fail(key, `"${key}" must be an array of strings`);
  }

  tables(value: unknown, keyPath: string): Table[] {
    if (value === undefined) return [];
    if (Array.isArray(value) && value.every(isTable)) return value as Table[];
    this.fail(keyPath, `"${keyPath}" must be an array of tables`);
  }

  /** Trims trailing slashes and refuses URI schemes. */
  location(value: string, keyPath: string): string {
    const trimmed = value.replace(/\/+$/, "");
    if (trimmed.startsWith("http://") || trimmed.startsWith("https://")) {
      this.fail(keyPath, `invalid location '${value}': URI schemes are not supported`);
    }
    return trimmed;
  }
}

function join(prefix: string, key: string): string {
  return prefix === "" ? key : `${prefix}.${key}`;
}

function isTable(value: unknown): value is Table {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof Date);
}

function pullFromMirror(
  reader: FileReader,
  table: Table,
  keyPath: string,
  location: string,
): PullFromMirror | undefined {
  const value = reader.string(table, "pull-from-mirror", keyPath);
  if (value === undefined || value === "") return undefined;
  if (!PULL_FROM_MIRROR.has(value)) {
    reader.fail(
      `${keyPath}.pull-from-mirror`,
      `unsupported pull-from-mirror value "${value}" for mirror "${location}"`,
    );
  }
  return value as PullFromMirror;
}

function readMirror(reader: FileReader, table: Table, keyPath: string): MirrorConfig {
  reader.checkKeys(table, MIRROR_KEYS, keyPath);
  const location = reader.location(reader.string(table, "location", keyPath) ?? "", keyPath);
  if (location === "") reader.fail(keyPath, "invalid condition: mirror location is unset");
  const mirror: MirrorConfig = {
    location,
    insecure: reader.boolean(table, "insecure", keyPath),
    pullFromMirror: pullFromMirror(reader, table, keyPath, location),
  };
  const proxy = reader.string(table, "namespace-proxy", keyPath);
  if (proxy !== undefined && proxy !== "") mirror.namespaceProxy = proxy;
  return mirror;
}

function readRegistry(reader: FileReader, table: Table, keyPath: string): RegistryConfig {
  reader.checkKeys(table, REGISTRY_KEYS, keyPath);
  const location = reader.location(reader.string(table, "location", keyPath) ?? "", keyPath);
  let prefix = reader.string(table, "prefix", keyPath) ?? "";
  if (prefix === "") {
    if (location === "") {
      reader.fail(keyPath, "invalid condition: both location and prefix are unset");
    }
    prefix = location;
  } else {
    prefix = reader.location(prefix, `${keyPath}.prefix`);
    if (!prefix.startsWith("*.") && location === "") {
      reader.fail(
        keyPath,
        "invalid condition: location is unset and prefix is not in the format: *.example.com",
      );
    }
    if (prefix.startsWith("*.") && /[/@:]/.test(prefix)) {
      reader.fail(
        `${keyPath}.prefix`,
        `Wildcarded prefix should be in the format: *.example.com. Current prefix "${prefix}" is incorrectly formatted`,
      );
    }
  }
  if (reader.string(table, "pull-from-mirror", keyPath)) {
    reader.fail(
      `${keyPath}.pull-from-mirror`,
      `pull-from-mirror must not be set for a non-mirror registry "${prefix}"`,
    );
  }
  const mirrorByDigestOnly = reader.boolean(table, "mirror-by-digest-only", keyPath);
  const mirrors = reader.tables(table.mirror, `${keyPath}.mirror`).map((mirror, index) =>
    readMirror(reader, mirror, `${keyPath}.mirror[${index}]`)
  );
  mirrors.forEach((mirror, index) => {
    if (mirrorByDigestOnly && mirror.pullFromMirror !== undefined) {
      reader.fail(
        `${keyPath}.mirror[${index}].pull-from-mirror`,
        `cannot set mirror usage mirror-by-digest-only for the registry ("${prefix}") and pull-from-mirror for per-mirror ("${mirror.location}") at the same time`,
      );
    }
  });
  const registry: RegistryConfig = {
    prefix,
    location,
    insecure: reader.boolean(table, "insecure", keyPath),
    blocked: reader.boolean(table, "blocked", keyPath),
    mirrorByDigestOnly,
    mirrors,
    file: reader.path,
  };
  const proxy = reader.string(table, "namespace-proxy", keyPath);
  if (proxy !== undefined && proxy !== "") registry.namespaceProxy = proxy;
  return registry;
}

function checkConflicts(reader: FileReader, registries: RegistryConfig[]): void {
  const seen = new Map<string, { entry: RegistryConfig; index: number }>();
  registries.forEach((entry, index) => {
    const key = entry.location === "" ? entry.prefix : entry.location;
    const other = seen.get(key);
    if (!other) {
      seen.set(key, { entry, index });
      return;
    }
    for (const setting of ["insecure", "blocked"] as const) {
      if (entry[setting] !== other.entry[setting]) {
        reader.fail(
          `registry[${index}].${setting}`,
          `registry '${key}' is defined multiple times with conflicting '${setting}' setting`,
        );
      }
    }
  });
}

function parseToml(path: string, text: string): Table {
  try {
    return parse(text) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      const reason = error.message.split("\n")[0];
      throw new ConfigError(path, `invalid TOML: ${reason}`, error.line, { cause: error });
    }
    throw new ConfigError(path, `invalid TOML: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
}

/**
 * Parses the registries.conf text read from `path`. Unknown keys are reported in
 * `warnings`; anything malformed throws a {@linkcode ConfigError} naming the file and,
 * when known, the line.
 */
export function parseRegistriesFile(
  path: string,
  text: string,
  warnings: string[],
): ParsedRegistriesFile {
  const root = parseToml(path, text);
  const reader: FileReader = new FileReader(path, text, warnings);
  if (root.registries !== undefined) {
    reader.fail("registries", "registries.conf must be in v2 format but is in v1");
  }
  reader.checkKeys(root, TOP_KEYS, "");
  const all = reader.tables(root.registry, "registry").map((table, index) =>
    readRegistry(reader, table, `registry[${index}]`)
  );
  checkConflicts(reader, all);
  const byPrefix = new Map<string, RegistryConfig>();
  for (const registry of all) {
    if (!byPrefix.has(registry.prefix)) byPrefix.set(registry.prefix, registry);
  }
  const result: ParsedRegistriesFile = {
    path,
    registries: [...byPrefix.keys()].sort().map((prefix) => byPrefix.get(prefix)!),
    aliases: new Map(),
  };
  const search = reader.stringArray(root, "unqualified-search-registries");
  if (search !== undefined) {
    result.unqualifiedSearchRegistries = search.map((entry) => {
      const registry = reader.location(entry, "unqualified-search-registries");
      if (!DOMAIN.test(registry)) {
        reader.fail(
          "unqualified-search-registries",
          `Invalid unqualified-search-registries entry "${registry}"`,
        );
      }
      return registry;
    });
  }
  const helpers = reader.stringArray(root, "credential-helpers");
  if (helpers !== undefined) result.credentialHelpers = helpers;
  const mode = reader.string(root, "short-name-mode", "");
  if (mode !== undefined && mode !== "") {
    if (!MODES.has(mode)) reader.fail("short-name-mode", `invalid short-name mode: "${mode}"`);
    result.shortNameMode = mode as ShortNameMode;
  }
  if (root["additional-layer-store-auth-helper"] !== undefined) {
    reader.string(root, "additional-layer-store-auth-helper", "");
  }
  if (root.aliases !== undefined) {
    if (!isTable(root.aliases)) reader.fail("aliases", `"aliases" must be a table`);
    result.aliases = parseAliasTable(root.aliases, path, reader.lineOf);
  }
  return result;
}
