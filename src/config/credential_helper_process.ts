/**
 * The real {@linkcode CredentialHelperRunner}: runs `docker-credential-<name>` as a child
 * process through `node:child_process`, which Deno, Node and Bun all provide (looked up
 * when a helper runs, so that this file loads where there is none).
 *
 * @module
 */
import { requireNodeBuiltin } from "../host/node_builtin.ts";
import { posix } from "../fs/posix_path.ts";
import { CredentialHelperError } from "../errors.ts";
import { checkHelperName, type CredentialHelperRunner } from "./credential_helper.ts";
import { concatBytes } from "../streams/concat_bytes.ts";

/** Options of {@linkcode createCredentialHelperRunner}. */
export interface CredentialHelperRunnerOptions {
  /**
   * Run helpers from this directory instead of searching `PATH`.
   * @default undefined (search PATH)
   */
  directory?: string;
  /**
   * The helpers' environment (also used to search `PATH`).
   * @default the current process's environment
   */
  env?: Record<string, string | undefined>;
}

/**
 * Builds a runner that spawns `docker-credential-<name> <action>`, writes the input to
 * its stdin and resolves with its stdout; a failure to start or a non-zero exit rejects
 * with a {@linkcode CredentialHelperError}.
 *
 * @example
 * ```ts
 * import { createCredentialHelperRunner } from "./credential_helper_process.ts";
 * const run = createCredentialHelperRunner();
 * // await run("pass", "get", "quay.io");
 * ```
 */
export function createCredentialHelperRunner(
  options: CredentialHelperRunnerOptions = {},
): CredentialHelperRunner {
  const env = options.env === undefined ? undefined : Object.fromEntries(
    Object.entries(options.env).filter((entry): entry is [string, string] =>
      entry[1] !== undefined
    ),
  );
  return (name, action, input) =>
    new Promise<string>((resolve, reject) => {
      checkHelperName(name);
      const program = options.directory === undefined
        ? `docker-credential-${name}`
        : posix.join(options.directory, `docker-credential-${name}`);
      let settled = false;
      const finish = (error: Error | undefined, output = "") => {
        if (settled) return;
        settled = true;
        if (error) reject(error);
        else resolve(output);
      };
      let child;
      try {
        const { spawn } = requireNodeBuiltin("node:child_process", "run credential helpers");
        child = spawn(program, [action], { stdio: ["pipe", "pipe", "pipe"], env });
      } catch (error) {
        finish(new CredentialHelperError(name, action, "", undefined, { cause: error }));
        return;
      }
      const stdout: Uint8Array[] = [];
      const stderr: Uint8Array[] = [];
      child.stdout.on("data", (chunk: Uint8Array) => stdout.push(chunk));
      child.stderr.on("data", (chunk: Uint8Array) => stderr.push(chunk));
      child.on("error", (error) => {
        finish(new CredentialHelperError(name, action, "", undefined, { cause: error }));
      });
      child.on("close", (code) => {
        const out = new TextDecoder().decode(concatBytes(stdout));
        if (code === 0) {
          finish(undefined, out);
          return;
        }
        const output = out.trim() !== ""
          ? out.trim()
          : new TextDecoder().decode(concatBytes(stderr)).trim();
        finish(new CredentialHelperError(name, action, output, code ?? -1));
      });
      // A helper that exits without reading its input must not crash the caller.
      child.stdin.on("error", () => {});
      child.stdin.end(input);
    });
}
