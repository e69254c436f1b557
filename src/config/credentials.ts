/**
 * Finding the credentials for an image: credential helpers and credential files, most
 * specific key first, as containers/image does.
 *
 * @module
 */
import type { Reference } from "../reference/mod.ts";
import { ConfigError } from "../errors.ts";
import type { FileSystem } from "../fs/mod.ts";
import {
  type AuthEntry,
  type AuthFilePath,
  authFilePaths,
  type AuthPathContext,
  checkAuthKey,
  normalizeAuthFileKey,
  normalizeRegistry,
  readAuthFile,
} from "./auth_files.ts";
import { type CredentialHelperRunner, helperGet } from "./credential_helper.ts";
import { AUTH_FILE_HELPER } from "./registries_conf.ts";

/** Credentials for a registry: a user and password, or an identity token. */
export type Credentials =
  | { username: string; password: string }
  | { identityToken: string };

/** Everything {@linkcode getCredentials} needs. */
export interface CredentialsContext extends AuthPathContext {
  /** Where credential files are read from. */
  fs: FileSystem;
  /**
   * The global credential helpers, in order (registries.conf `credential-helpers`);
   * `"containers-auth.json"` stands for the credential files.
   * @default ["containers-auth.json"]
   */
  credentialHelpers?: string[];
  /** Runs `docker-credential-*` helpers; required only when a helper is configured. */
  runCredentialHelper?: CredentialHelperRunner;
  /** Called for entries that are ignored because they are malformed. */
  warn?: (message: string) => void;
}

function runner(ctx: CredentialsContext, helper: string): CredentialHelperRunner {
  if (!ctx.runCredentialHelper) {
    throw new TypeError(`A credential helper runner is needed to use helper "${helper}"`);
  }
  return ctx.runCredentialHelper;
}

function decodeBase64(text: string): string | undefined {
  try {
    const binary = atob(text);
    const bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    return undefined;
  }
}

function decodeEntry(
  ctx: CredentialsContext,
  path: string,
  key: string,
  entry: AuthEntry,
): Credentials | undefined {
  if (typeof entry.identitytoken === "string" && entry.identitytoken !== "") {
    return { identityToken: entry.identitytoken };
  }
  const auth = typeof entry.auth === "string" ? entry.auth : "";
  if (auth === "") return undefined;
  const decoded = decodeBase64(auth);
  if (decoded === undefined) throw new ConfigError(path, `invalid base64 "auth" for "${key}"`);
  const colon = decoded.indexOf(":");
  if (colon === -1) {
    ctx.warn?.(`Ignoring the "auth" field of "${key}" in ${path}: missing ":"`);
    return undefined;
  }
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1).replace(/^\0+|\0+$/g, ""),
  };
}

/** `key`, then each parent namespace, down to the registry (legacy files: registry only). */
function lookupOrder(key: string, registry: string, legacy: boolean): string[] {
  if (legacy) return [registry];
  const keys: string[] = [];
  let current = key;
  for (;;) {
    keys.push(current);
    const slash = current.lastIndexOf("/");
    if (slash === -1) return keys;
    current = current.slice(0, slash);
  }
}

async function findInFile(
  ctx: CredentialsContext,
  key: string,
  registry: string,
  file: AuthFilePath,
): Promise<Credentials | undefined> {
  const contents = await readAuthFile(ctx.fs, file);
  const normalized = normalizeRegistry(registry);
  const helper = contents.credHelpers[registry] ??
    Object.entries(contents.credHelpers).find(([name]) =>
      normalizeAuthFileKey(name, false) === normalized
    )?.[1];
  if (helper !== undefined) return await helperGet(runner(ctx, helper), helper, registry);
  const tried = lookupOrder(key, registry, file.legacy);
  for (const candidate of tried) {
    if (!Object.hasOwn(contents.auths, candidate)) continue;
    const found = decodeEntry(ctx, file.path, candidate, contents.auths[candidate]);
    if (found) return found;
  }
  for (const [candidate, entry] of Object.entries(contents.auths)) {
    if (tried.includes(candidate)) continue;
    if (normalizeAuthFileKey(candidate, file.legacy) !== normalized) continue;
    const found = decodeEntry(ctx, file.path, candidate, entry);
    if (found) return found;
  }
  if (contents.credsStore !== undefined) {
    // Docker's own store keys Docker Hub by its v1 URL.
    const server = normalized === "index.docker.io" ? "https://index.docker.io/v1/" : registry;
    return await helperGet(runner(ctx, contents.credsStore), contents.credsStore, server);
  }
  return undefined;
}

/**
 * The credentials for `image` (a reference, whose `name` is the key, or a key string:
 * host, host/namespace or host/namespace/repo), or undefined when there are none.
 *
 * Each configured helper is asked in turn; the built-in `containers-auth.json` helper
 * walks {@linkcode authFilePaths} and, in each file, tries `credHelpers` for the host
 * (the helper gets the host as server URL), then `auths` under the most specific key
 * first (`host/ns/repo`, `host/ns`, `host`), then keys that normalize to the host
 * (`https://index.docker.io/v1/` → docker.io, `http(s)://` and paths stripped), then
 * Docker's `credsStore`. Empty entries are skipped. When nothing is found and a helper
 * failed, that failure is thrown.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * import { getCredentials } from "./credentials.ts";
 * const fs = new MemoryFileSystem();
 * await fs.mkdir("/run/user/1000/containers", { recursive: true });
 * await fs.writeFile("/run/user/1000/containers/auth.json",
 *   JSON.stringify({ auths: { "quay.io": { auth: btoa("ann:secret") } } }));
 * const ctx = { fs, env: { XDG_RUNTIME_DIR: "/run/user/1000" }, homeDir: "/home/ann", uid: 1000 };
 * await getCredentials(ctx, "quay.io/ann/app"); // { username: "ann", password: "secret" }
 * ```
 */
export async function getCredentials(
  ctx: CredentialsContext,
  image: Reference | string,
): Promise<Credentials | undefined> {
  const key = typeof image === "string" ? image : image.name;
  checkAuthKey(key);
  const slash = key.indexOf("/");
  const registry = slash === -1 ? key : key.slice(0, slash);
  const failures: unknown[] = [];
  for (const helper of ctx.credentialHelpers ?? [AUTH_FILE_HELPER]) {
    try {
      let found: Credentials | undefined;
      if (helper === AUTH_FILE_HELPER) {
        for (const file of authFilePaths(ctx)) {
          found = await findInFile(ctx, key, registry, file);
          if (found) break;
        }
      } else {
        found = await helperGet(runner(ctx, helper), helper, registry);
      }
      if (found) return found;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length > 0) throw failures[0];
  return undefined;
}
