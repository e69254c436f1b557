/**
 * Where the server's bearer token comes from: `--token-file` (a file only its owner reads),
 * `$STEVEDORE_SERVER_TOKEN`, or `--token` on the command line, which works but is visible
 * to every user in `ps` and so comes with a warning.
 *
 * @module
 */
import { UsageError } from "./usage_error.ts";
import type { FileSystem } from "../fs/mod.ts";

/** The environment variable the token is read from. */
export const TOKEN_ENV = "STEVEDORE_SERVER_TOKEN";

/** The largest token file read, in bytes. */
export const MAX_TOKEN_FILE = 4096;

/** What {@linkcode resolveServerToken} is given. */
export interface ServerTokenSources {
  /** `--token`, when given. */
  token?: string;
  /** `--token-file`, when given. */
  tokenFile?: string;
  /** The process environment. */
  env: Record<string, string | undefined>;
  /** The file system the token file is read from. */
  fs: FileSystem;
}

/** The token chosen and a warning for the user, if any. */
export interface ServerToken {
  /** The token, or undefined when none was given. */
  token?: string;
  /** A warning to print (a token given in argv). */
  warning?: string;
}

/**
 * Picks the server token: `--token` or `--token-file` (not both), else `$STEVEDORE_SERVER_TOKEN`.
 * A token file's trailing line break is dropped; an empty or oversized file is refused.
 *
 * @throws {UsageError} for both flags at once, or an unreadable, empty or oversized file.
 * @example
 * ```ts ignore
 * const { token } = await resolveServerToken({ env: process.env, fs: new NodeFileSystem() });
 * ```
 */
export async function resolveServerToken(sources: ServerTokenSources): Promise<ServerToken> {
  if (sources.token !== undefined && sources.tokenFile !== undefined) {
    throw new UsageError("--token", "cannot be used with --token-file");
  }
  if (sources.token !== undefined) {
    return {
      token: sources.token,
      warning: "the token given with --token is visible to every user of this machine " +
        `(ps, /proc): use --token-file or $${TOKEN_ENV} instead`,
    };
  }
  if (sources.tokenFile !== undefined) {
    const file = sources.tokenFile;
    let text: string;
    try {
      const info = await sources.fs.stat(file);
      if (info.size > MAX_TOKEN_FILE) {
        throw new UsageError(`--token-file ${file}`, `larger than ${MAX_TOKEN_FILE} bytes`);
      }
      text = await sources.fs.readTextFile(file);
    } catch (error) {
      if (error instanceof UsageError) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`--token-file ${file}`, `cannot read it: ${reason}`);
    }
    const token = text.replace(/\r?\n$/, "");
    if (token === "" || /[\r\n]/.test(token)) {
      throw new UsageError(`--token-file ${file}`, "the file must hold the token on one line");
    }
    return { token };
  }
  const fromEnv = sources.env[TOKEN_ENV];
  return fromEnv ? { token: fromEnv } : {};
}
