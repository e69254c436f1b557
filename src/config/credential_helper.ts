/**
 * The Docker credential-helper protocol (`docker-credential-<name> get|store|erase|list`)
 * over an injected process runner.
 *
 * @module
 */
import { CredentialHelperError } from "../errors.ts";

/** A credential-helper action. */
export type CredentialHelperAction = "get" | "store" | "erase" | "list";

/**
 * Runs `docker-credential-<name> <action>` with `input` on stdin and resolves with its
 * stdout. A non-zero exit rejects with a {@linkcode CredentialHelperError} whose `output`
 * is the trimmed output.
 */
export type CredentialHelperRunner = (
  name: string,
  action: CredentialHelperAction,
  input: string,
) => Promise<string>;

/** What a helper returns for `get`: a user and secret, or an identity token. */
export type HelperCredentials =
  | { username: string; password: string }
  | { identityToken: string };

/** The message helpers print when they hold nothing for a server. */
export const CREDENTIALS_NOT_FOUND = "credentials not found in native keychain";

/** Tells whether `error` is a helper saying it holds no credentials for the server. */
export function isCredentialsNotFound(error: unknown): boolean {
  return error instanceof CredentialHelperError && error.output.trim() === CREDENTIALS_NOT_FOUND;
}

/** Refuses helper names that are not a plain file-name suffix. */
export function checkHelperName(name: string): void {
  if (name === "" || /[/\\\0]/.test(name) || name === "." || name === "..") {
    throw new TypeError(`Invalid credential helper name "${name}"`);
  }
}

function parseJson(name: string, action: string, output: string): unknown {
  try {
    return JSON.parse(output);
  } catch (error) {
    throw new CredentialHelperError(name, action, `invalid JSON output: ${output.trim()}`, 0, {
      cause: error,
    });
  }
}

/**
 * Asks helper `name` for the credentials of `serverURL`; undefined when it has none.
 * A `<token>` user name means the secret is an identity token.
 */
export async function helperGet(
  run: CredentialHelperRunner,
  name: string,
  serverURL: string,
): Promise<HelperCredentials | undefined> {
  checkHelperName(name);
  let output: string;
  try {
    output = await run(name, "get", serverURL);
  } catch (error) {
    if (isCredentialsNotFound(error)) return undefined;
    throw error;
  }
  const reply = parseJson(name, "get", output) as { Username?: unknown; Secret?: unknown };
  const username = typeof reply?.Username === "string" ? reply.Username : "";
  const secret = typeof reply?.Secret === "string" ? reply.Secret : "";
  if (username === "<token>") return secret === "" ? undefined : { identityToken: secret };
  if (username === "" && secret === "") return undefined;
  return { username, password: secret };
}

/** Stores `username` / `secret` for `serverURL` in helper `name`. */
export async function helperStore(
  run: CredentialHelperRunner,
  name: string,
  serverURL: string,
  username: string,
  secret: string,
): Promise<void> {
  checkHelperName(name);
  const input = JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });
  await run(name, "store", input);
}

/** Erases `serverURL` from helper `name`; false when the helper held nothing for it. */
export async function helperErase(
  run: CredentialHelperRunner,
  name: string,
  serverURL: string,
): Promise<boolean> {
  checkHelperName(name);
  try {
    await run(name, "erase", serverURL);
    return true;
  } catch (error) {
    if (isCredentialsNotFound(error)) return false;
    throw error;
  }
}

/** Lists what helper `name` holds: server URL → user name. */
export async function helperList(
  run: CredentialHelperRunner,
  name: string,
): Promise<Record<string, string>> {
  checkHelperName(name);
  const reply = parseJson(name, "list", await run(name, "list", ""));
  if (typeof reply !== "object" || reply === null || Array.isArray(reply)) {
    throw new CredentialHelperError(name, "list", "output is not a JSON object", 0);
  }
  const result: Record<string, string> = {};
  for (const [server, user] of Object.entries(reply)) {
    if (typeof user === "string") result[server] = user;
  }
  return result;
}

/**
 * A runner that starts `docker-credential-*` helpers as child processes with `env`, as
 * `createCredentialHelperRunner` does; the code that starts processes loads on the first
 * helper run, so a command that runs none never loads it.
 */
export function lazyCredentialHelperRunner(
  env: Record<string, string | undefined>,
): CredentialHelperRunner {
  let runner: Promise<CredentialHelperRunner> | undefined;
  return async (name, action, input) => {
    runner ??= import("./credential_helper_process.ts").then((module) =>
      module.createCredentialHelperRunner({ env })
    );
    return (await runner)(name, action, input);
  };
}
