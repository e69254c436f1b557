/**
 * Credential files: which ones are consulted (containers auth.json, Docker config.json,
 * legacy `.dockercfg`), how they are parsed, and how their keys are normalized.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { ConfigError } from "../errors.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";
import { configHome, envValue, type PathContext } from "./path_context.ts";

/** A credential file and whether it uses the legacy `.dockercfg` layout. */
export interface AuthFilePath {
  /** The file. */
  path: string;
  /** True for `~/.dockercfg` (a bare map of `auths` entries keyed by URL). */
  legacy: boolean;
}

/** One `auths` entry as stored. */
export interface AuthEntry {
  /** base64 of `user:password`. */
  auth?: string;
  /** An OAuth2 refresh / identity token. */
  identitytoken?: string;
  /** Other fields are kept untouched. */
  [field: string]: unknown;
}

/** The parts of a credential file stevedore reads. */
export interface AuthFileContents {
  /** Credentials by key (host, host/namespace, host/namespace/repo, or a URL). */
  auths: Record<string, AuthEntry>;
  /** Per-registry credential helpers (host → helper name). */
  credHelpers: Record<string, string>;
  /** Docker's default credential store, if any. */
  credsStore?: string;
}

/** Where credential files are looked for. */
export interface AuthPathContext extends PathContext {
  /** An explicit credential file (`--authfile`); then only it is consulted. */
  authFile?: string;
}

/**
 * The file `login` writes to and the first one read: `authFile`, else
 * `$REGISTRY_AUTH_FILE`, else `$XDG_RUNTIME_DIR/containers/auth.json`, else
 * `/run/containers/<uid>/auth.json`.
 */
export function primaryAuthFile(ctx: AuthPathContext): string {
  const explicit = ctx.authFile ?? envValue(ctx.env, "REGISTRY_AUTH_FILE");
  if (explicit !== undefined) return explicit;
  const runtimeDir = envValue(ctx.env, "XDG_RUNTIME_DIR");
  if (runtimeDir !== undefined) return posix.join(runtimeDir, "containers", "auth.json");
  return `/run/containers/${ctx.uid}/auth.json`;
}

/**
 * Every credential file, in lookup order: the {@linkcode primaryAuthFile}; then, unless it
 * was chosen explicitly (`authFile` or `$REGISTRY_AUTH_FILE`),
 * `$XDG_CONFIG_HOME/containers/auth.json` (default `~/.config/...`),
 * `$DOCKER_CONFIG/config.json` (default `~/.docker/config.json`) and `~/.dockercfg`.
 */
export function authFilePaths(ctx: AuthPathContext): AuthFilePath[] {
  const paths: AuthFilePath[] = [{ path: primaryAuthFile(ctx), legacy: false }];
  if (ctx.authFile !== undefined || envValue(ctx.env, "REGISTRY_AUTH_FILE") !== undefined) {
    return paths;
  }
  paths.push({ path: posix.join(configHome(ctx), "containers", "auth.json"), legacy: false });
  const dockerConfig = envValue(ctx.env, "DOCKER_CONFIG");
  paths.push({
    path: dockerConfig !== undefined
      ? posix.join(dockerConfig, "config.json")
      : posix.join(ctx.homeDir, ".docker", "config.json"),
    legacy: false,
  });
  paths.push({ path: posix.join(ctx.homeDir, ".dockercfg"), legacy: true });
  return paths;
}

/** Maps the docker.io host names to the one Docker uses as a key. */
export function normalizeRegistry(registry: string): string {
  return registry === "docker.io" || registry === "registry-1.docker.io"
    ? "index.docker.io"
    : registry;
}

/**
 * Turns a credential-file key into a registry host: `https://index.docker.io/v1/` →
 * `index.docker.io`; `http(s)://` and (for URLs and legacy files) any path are dropped.
 */
export function normalizeAuthFileKey(key: string, legacy: boolean): string {
  const stripped = key.replace(/^https?:\/\//, "");
  const host = legacy || stripped !== key ? stripped.split("/")[0] : stripped;
  return normalizeRegistry(host);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Parses credential-file text; throws a {@linkcode ConfigError} when it is not usable. */
export function parseAuthFile(path: string, text: string, legacy: boolean): AuthFileContents {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, `invalid JSON: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  if (!isObject(data)) throw new ConfigError(path, "not a JSON object");
  const auths = legacy ? data : data.auths ?? {};
  const credHelpers = legacy ? {} : data.credHelpers ?? {};
  if (!isObject(auths)) throw new ConfigError(path, `"auths" must be an object`);
  if (!isObject(credHelpers)) throw new ConfigError(path, `"credHelpers" must be an object`);
  const result: AuthFileContents = { auths: Object.create(null), credHelpers: Object.create(null) };
  for (const [key, entry] of Object.entries(auths)) {
    if (isObject(entry)) result.auths[key] = entry as AuthEntry;
  }
  for (const [key, helper] of Object.entries(credHelpers)) {
    if (typeof helper === "string") result.credHelpers[key] = helper;
  }
  if (!legacy && typeof data.credsStore === "string" && data.credsStore !== "") {
    result.credsStore = data.credsStore;
  }
  return result;
}

/** Reads a credential file; a missing one is empty. */
export async function readAuthFile(fs: FileSystem, file: AuthFilePath): Promise<AuthFileContents> {
  let text: string;
  try {
    text = await fs.readTextFile(file.path);
  } catch (error) {
    if (isNotFound(error)) return { auths: Object.create(null), credHelpers: Object.create(null) };
    throw new ConfigError(file.path, (error as Error).message, undefined, { cause: error });
  }
  return parseAuthFile(file.path, text, file.legacy);
}

/**
 * Checks a credential key (host[:port], host/namespace or host/namespace/repo) and tells
 * whether it is namespaced. URLs, digests and tags are refused with a TypeError.
 */
export function checkAuthKey(key: string): boolean {
  if (key === "") throw new TypeError("Credential key is empty");
  if (key.startsWith("http://") || key.startsWith("https://")) {
    throw new TypeError(`Credential key "${key}" contains http[s]:// prefix`);
  }
  if (key.includes("@")) throw new TypeError(`Credential key "${key}" contains a '@' character`);
  const slash = key.indexOf("/");
  if (slash !== -1 && key.slice(slash + 1).includes(":")) {
    throw new TypeError(`Credential key "${key}" contains a ':' character after host[:port]`);
  }
  return slash !== -1;
}
