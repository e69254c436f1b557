/**
 * Writing credential files for `login` and `logout`: atomic, mode 0600, and leaving every
 * field stevedore does not know untouched.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { ConfigError } from "../errors.ts";
import { type FileSystem, isNotFound, writeFileAtomic } from "../fs/mod.ts";
import { checkAuthKey, normalizeAuthFileKey, normalizeRegistry } from "./auth_files.ts";
import { type CredentialHelperRunner, helperErase, helperStore } from "./credential_helper.ts";
import type { Credentials } from "./credentials.ts";

/** What writing credentials needs. */
export interface WriteCredentialsContext {
  /** Where the file is written. */
  fs: FileSystem;
  /** Runs `docker-credential-*` helpers named by the file's `credHelpers`. */
  runCredentialHelper?: CredentialHelperRunner;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function readJson(fs: FileSystem, path: string): Promise<JsonObject | undefined> {
  let text: string;
  try {
    text = await fs.readTextFile(path);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ConfigError(path, (error as Error).message, undefined, { cause: error });
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(path, `invalid JSON: ${(error as Error).message}`, undefined, {
      cause: error,
    });
  }
  if (!isObject(data)) throw new ConfigError(path, "not a JSON object");
  for (const field of ["auths", "credHelpers"]) {
    if (data[field] !== undefined && !isObject(data[field])) {
      throw new ConfigError(path, `"${field}" must be an object`);
    }
  }
  return data;
}

async function writeJson(fs: FileSystem, path: string, data: JsonObject): Promise<void> {
  await fs.mkdir(posix.dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(fs, path, JSON.stringify(data, null, "\t") + "\n", { mode: 0o600 });
}

function encodeBase64(text: string): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function helperFor(data: JsonObject, key: string): string | undefined {
  const helpers = data.credHelpers as JsonObject | undefined;
  const helper = helpers?.[key];
  return typeof helper === "string" ? helper : undefined;
}

function requireRunner(ctx: WriteCredentialsContext, helper: string): CredentialHelperRunner {
  if (!ctx.runCredentialHelper) {
    throw new TypeError(`A credential helper runner is needed to use helper "${helper}"`);
  }
  return ctx.runCredentialHelper;
}

/**
 * Stores `credentials` under `key` (host[:port], host/namespace or host/namespace/repo)
 * in the credential file at `path`, creating it (and its directory, mode 0700) if needed.
 * When the file names a `credHelpers` entry for `key`, the helper stores them instead.
 * Resolves with a human-readable description of where they went.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * import { setCredentials } from "./credentials_write.ts";
 * const fs = new MemoryFileSystem();
 * await setCredentials({ fs }, "/run/user/1000/containers/auth.json", "quay.io",
 *   { username: "ann", password: "secret" });
 * ```
 */
export async function setCredentials(
  ctx: WriteCredentialsContext,
  path: string,
  key: string,
  credentials: Credentials,
): Promise<string> {
  const namespaced = checkAuthKey(key);
  const data = await readJson(ctx.fs, path) ?? {};
  const helper = helperFor(data, key);
  if (helper !== undefined) {
    if (namespaced) throw new TypeError(`A namespaced key is not supported by helper ${helper}`);
    const [user, secret] = "identityToken" in credentials
      ? ["<token>", credentials.identityToken]
      : [credentials.username, credentials.password];
    await helperStore(requireRunner(ctx, helper), helper, key, user, secret);
    return `credential helper: ${helper}`;
  }
  const entry = "identityToken" in credentials
    ? { identitytoken: credentials.identityToken }
    : { auth: encodeBase64(`${credentials.username}:${credentials.password}`) };
  const auths = { ...(data.auths as JsonObject | undefined), [key]: entry };
  await writeJson(ctx.fs, path, { ...data, auths });
  return path;
}

/**
 * Removes the credentials stored under `key` in the credential file at `path` (for a
 * host key, also entries whose key normalizes to it, such as
 * `https://index.docker.io/v1/` for docker.io), and erases them from the file's
 * `credHelpers` helper for `key`, if any. Resolves with false when nothing was stored.
 */
export async function removeCredentials(
  ctx: WriteCredentialsContext,
  path: string,
  key: string,
): Promise<boolean> {
  const namespaced = checkAuthKey(key);
  const data = await readJson(ctx.fs, path);
  if (!data) return false;
  let removed = false;
  const helper = helperFor(data, key);
  if (helper !== undefined && !namespaced) {
    removed = await helperErase(requireRunner(ctx, helper), helper, key);
  }
  const auths = { ...(data.auths as JsonObject | undefined) };
  const doomed = Object.hasOwn(auths, key) ? [key] : namespaced ? [] : Object.keys(auths).filter(
    (candidate) => normalizeAuthFileKey(candidate, false) === normalizeRegistry(key),
  );
  for (const candidate of doomed) delete auths[candidate];
  if (doomed.length > 0) {
    await writeJson(ctx.fs, path, { ...data, auths });
    removed = true;
  }
  return removed;
}
