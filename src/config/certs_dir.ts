/**
 * Per-registry TLS files, as containers/image reads them (`containers-certs.d(5)`): a
 * directory `HOST[:PORT]` under `$HOME/.config/containers/certs.d`, `/etc/containers/certs.d`
 * or `/etc/docker/certs.d` (the first that exists), or one directory for every registry
 * (podman's `--cert-dir`). In it, `*.crt` files are CA certificates trusted besides the
 * system's, and a `NAME.cert` with its `NAME.key` is a client certificate.
 *
 * @example
 * ```ts
 * import { MemoryFileSystem } from "../fs/mod.ts";
 * import { certsDirectories, registryTlsFiles } from "./certs_dir.ts";
 *
 * const fs = new MemoryFileSystem();
 * await fs.mkdir("/etc/containers/certs.d/registry.example:5000", { recursive: true });
 * await fs.writeFile("/etc/containers/certs.d/registry.example:5000/ca.crt", "-----BEGIN...");
 * const tls = await registryTlsFiles(fs, "registry.example:5000", {
 *   certsDirs: certsDirectories("/home/me"),
 * });
 * console.log(tls?.ca?.length); // 1
 * ```
 *
 * @module
 */
import { ConfigError } from "../errors.ts";
import { type FileSystem, isNotFound } from "../fs/mod.ts";
import { posix } from "../fs/posix_path.ts";

/** TLS material for one registry: PEM text. */
export interface RegistryTls {
  /** CA certificates trusted for the registry besides the runtime's own. @default none */
  ca?: readonly string[];
  /** A client certificate (with `key`). @default none */
  cert?: string;
  /** The client certificate's private key (with `cert`). @default none */
  key?: string;
}

/** Where {@linkcode registryTlsFiles} looks. */
export interface CertsLookup {
  /**
   * One directory for every registry (podman's `--cert-dir`); when set, `certsDirs` is not
   * searched. @default none
   */
  certDir?: string;
  /**
   * Directories holding a `HOST[:PORT]` directory per registry; the first one that has
   * the registry's is used. @default none
   */
  certsDirs?: readonly string[];
}

/** containers/image's certs.d roots for a user whose home is `homeDir`, in search order. */
export function certsDirectories(homeDir: string | undefined): string[] {
  const system = ["/etc/containers/certs.d", "/etc/docker/certs.d"];
  return homeDir ? [posix.join(homeDir, ".config/containers/certs.d"), ...system] : system;
}

/** Whether `error` means "not there, or not ours to read": containers/image skips those. */
function isSkipped(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return isNotFound(error) || code === "ENOTDIR" || code === "EACCES" || code === "EPERM";
}

/** The directory {@linkcode registryTlsFiles} reads for `registry`, if any. */
export async function certDirOf(
  fs: FileSystem,
  registry: string,
  lookup: CertsLookup,
): Promise<string | undefined> {
  if (lookup.certDir !== undefined) return lookup.certDir;
  for (const root of lookup.certsDirs ?? []) {
    const dir = posix.join(root, registry);
    try {
      await fs.stat(dir);
      return dir;
    } catch (error) {
      if (!isSkipped(error)) {
        throw new ConfigError(dir, (error as Error).message, undefined, { cause: error });
      }
    }
  }
  return undefined;
}

/**
 * The TLS files of `registry` (`host[:port]`): `undefined` when there is no directory or
 * nothing in it. Client certificates are taken in name order and the first pair is used.
 *
 * @throws {ConfigError} for a `.cert` without its `.key` (or the reverse), or a file that
 * cannot be read.
 */
export async function registryTlsFiles(
  fs: FileSystem,
  registry: string,
  lookup: CertsLookup,
): Promise<RegistryTls | undefined> {
  const dir = await certDirOf(fs, registry, lookup);
  if (dir === undefined) return undefined;
  let names: string[];
  try {
    names = (await fs.readDir(dir)).sort();
  } catch (error) {
    if (isSkipped(error)) return undefined;
    throw new ConfigError(dir, (error as Error).message, undefined, { cause: error });
  }
  const has = new Set(names);
  const read = async (name: string): Promise<string | undefined> => {
    const path = posix.join(dir, name);
    try {
      return await fs.readTextFile(path);
    } catch (error) {
      if (isNotFound(error)) return undefined; // a dangling link, as containers/image
      throw new ConfigError(path, (error as Error).message, undefined, { cause: error });
    }
  };
  const ca: string[] = [];
  let pair: { cert: string; key: string } | undefined;
  for (const name of names) {
    if (name.endsWith(".crt")) {
      const text = await read(name);
      if (text !== undefined) ca.push(text);
    } else if (name.endsWith(".cert")) {
      const key = `${name.slice(0, -".cert".length)}.key`;
      if (!has.has(key)) {
        throw new ConfigError(
          posix.join(dir, name),
          `missing key ${key} for client certificate ${name}. Note that CA certificates ` +
            "should use the extension .crt",
        );
      }
      if (pair === undefined) {
        const [cert, keyText] = [await read(name), await read(key)];
        if (cert !== undefined && keyText !== undefined) pair = { cert, key: keyText };
      }
    } else if (name.endsWith(".key")) {
      const cert = `${name.slice(0, -".key".length)}.cert`;
      if (!has.has(cert)) {
        throw new ConfigError(
          posix.join(dir, name),
          `missing client certificate ${cert} for key ${name}`,
        );
      }
    }
  }
  if (ca.length === 0 && pair === undefined) return undefined;
  return pair === undefined ? { ca } : { ca, ...pair };
}

/**
 * A function that reads `registry`'s TLS files (see {@linkcode registryTlsFiles}), for a
 * registry client's `tls` option; `undefined` when `lookup` names no directory.
 */
export function certsDirTls(
  fs: FileSystem,
  lookup: CertsLookup,
): ((registry: string) => Promise<RegistryTls | undefined>) | undefined {
  if (lookup.certDir === undefined && (lookup.certsDirs?.length ?? 0) === 0) return undefined;
  return (registry) => registryTlsFiles(fs, registry, lookup);
}

/**
 * The TLS files of a user's registry clients (see {@linkcode certsDirTls}): `certDir` for
 * every registry when given, else the certs.d directories under `homeDir` and the system's.
 */
export function userCertsTls(
  fs: FileSystem,
  homeDir: string | undefined,
  certDir?: string,
): (registry: string) => Promise<RegistryTls | undefined> {
  return certsDirTls(fs, { certDir, certsDirs: certsDirectories(homeDir) })!;
}
