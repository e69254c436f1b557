/**
 * containers-registries.d(5): where the signatures of images in a registry live. Every
 * `*.yaml` file of the directory is merged; a scope (or `default-docker`) configured in
 * two files is an error, as in containers/image.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { ConfigError } from "../errors.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";

/** One configuration section: a `default-docker` or a `docker:` scope entry. */
export interface SignatureStorageConfig {
  /** Where signatures are read from (and written, without a staging URL). */
  lookaside?: string;
  /** Where new signatures are written. */
  lookasideStaging?: string;
  /** Whether sigstore attachments (`sha256-<hex>.sig` tags) are read and written. */
  useSigstoreAttachments?: boolean;
}

/** The merged registries.d configuration. */
export interface RegistriesDConfig {
  /** The `default-docker` section. */
  defaultDocker?: SignatureStorageConfig;
  /** The `docker:` sections by scope (host, namespace, repository or image). */
  docker: Record<string, SignatureStorageConfig>;
}

/** Where to read the configuration from. */
export interface RegistriesDOptions {
  /** The file system. */
  fs: FileSystem;
  /** The directory to read; @default `~/.config/containers/registries.d`, else `/etc/containers/registries.d` */
  dir?: string;
  /** The user's home directory. */
  homeDir: string;
}

/** The system-wide registries.d directory. */
export const SYSTEM_REGISTRIES_D = "/etc/containers/registries.d";

async function isDirectory(fs: FileSystem, path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isDirectory;
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

/**
 * The registries.d directory containers/image reads: `options.dir` when given, else the
 * user's when it is a directory, else the system one.
 */
export async function registriesDDir(options: RegistriesDOptions): Promise<string> {
  if (options.dir !== undefined) return options.dir;
  const user = posix.join(options.homeDir, ".config/containers/registries.d");
  return await isDirectory(options.fs, user) ? user : SYSTEM_REGISTRIES_D;
}

/**
 * Reads and merges the registries.d directory; a missing directory is an empty
 * configuration.
 *
 * @throws {ConfigError} for a file that is not YAML, has a malformed section, or repeats a
 * scope configured in another file.
 */
export async function loadRegistriesD(options: RegistriesDOptions): Promise<RegistriesDConfig> {
  const { fs } = options;
  const dir = await registriesDDir(options);
  const config: RegistriesDConfig = { docker: {} };
  let names: string[];
  try {
    names = await fs.readDir(dir);
  } catch (error) {
    if (isNotFound(error)) return config;
    throw new ConfigError(dir, `cannot list the directory (${(error as Error).message})`);
  }
  const { parse } = await import("yaml");
  const origin = new Map<string, string>();
  for (const name of names.filter((n) => n.endsWith(".yaml")).sort()) {
    const file = posix.join(dir, name);
    let doc: unknown;
    try {
      doc = parse(await fs.readTextFile(file));
    } catch (error) {
      throw new ConfigError(file, `not valid YAML (${(error as Error).message})`, undefined, {
        cause: error,
      });
    }
    if (doc === null || doc === undefined) continue;
    if (!isRecord(doc)) throw new ConfigError(file, "the file is not a YAML mapping");
    const claim = (key: string) => {
      const previous = origin.get(key);
      if (previous !== undefined) {
        throw new ConfigError(file, `${key} is already configured in "${previous}"`);
      }
      origin.set(key, file);
    };
    if (doc["default-docker"] !== undefined && doc["default-docker"] !== null) {
      claim("default-docker");
      config.defaultDocker = section(doc["default-docker"], file, "default-docker");
    }
    const docker = doc.docker;
    if (docker === undefined || docker === null) continue;
    if (!isRecord(docker)) throw new ConfigError(file, "docker is not a mapping");
    for (const [scope, value] of Object.entries(docker)) {
      claim(`docker scope "${scope}"`);
      config.docker[scope] = section(value, file, `docker."${scope}"`);
    }
  }
  return config;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function section(value: unknown, file: string, where: string): SignatureStorageConfig {
  if (value === null) return {};
  if (!isRecord(value)) throw new ConfigError(file, `${where} is not a mapping`);
  const result: SignatureStorageConfig = {};
  const url = (key: string): string | undefined => {
    const v = value[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new ConfigError(file, `${where}.${key} is not a string`);
    return v;
  };
  const lookaside = url("lookaside") ?? url("sigstore");
  const staging = url("lookaside-staging") ?? url("sigstore-staging");
  if (lookaside !== undefined) result.lookaside = lookaside;
  if (staging !== undefined) result.lookasideStaging = staging;
  const sigstore = value["use-sigstore-attachments"];
  if (sigstore !== undefined && sigstore !== null) {
    if (typeof sigstore !== "boolean") {
      throw new ConfigError(file, `${where}.use-sigstore-attachments is not a boolean`);
    }
    result.useSigstoreAttachments = sigstore;
  }
  return result;
}

/** Where the signatures of one image live, after the scope search. */
export interface SignatureStorage {
  /** The lookaside URL to read from, before the repository path is appended. */
  read: string;
  /** The lookaside URL to write to. */
  write: string;
  /** Whether sigstore attachments are used. */
  sigstoreAttachments: boolean;
}

/**
 * The storage for an image whose scopes (most specific first, as
 * `PolicyConfigurationIdentity` then `PolicyConfigurationNamespaces`) are `scopes`: each
 * setting comes from the most specific section that has it, then `default-docker`, then
 * the built-in lookaside `defaultLookaside`.
 */
export function signatureStorageFor(
  config: RegistriesDConfig,
  scopes: readonly string[],
  defaultLookaside: string,
): SignatureStorage {
  const sections = scopes.map((s) => config.docker[s]).filter((s) => s !== undefined);
  if (config.defaultDocker !== undefined) sections.push(config.defaultDocker);
  const first = <T>(pick: (s: SignatureStorageConfig) => T | undefined): T | undefined => {
    for (const s of sections) {
      const value = pick(s);
      if (value !== undefined && value !== "") return value;
    }
    return undefined;
  };
  return {
    read: first((s) => s.lookaside) ?? defaultLookaside,
    write: first((s) => s.lookasideStaging ?? s.lookaside) ?? defaultLookaside,
    sigstoreAttachments: first((s) => s.useSigstoreAttachments) ?? false,
  };
}

/**
 * The built-in lookaside: `/var/lib/containers/sigstore` for root,
 * `~/.local/share/containers/sigstore` otherwise, as a `file://` URL.
 */
export function defaultLookaside(homeDir: string, uid: number): string {
  const dir = uid === 0
    ? "/var/lib/containers/sigstore"
    : posix.join(homeDir, ".local/share/containers/sigstore");
  return `file://${dir}`;
}
