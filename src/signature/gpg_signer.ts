/**
 * Simple signing with the user's GnuPG keyring through the `gpg` binary, as podman's
 * `--sign-by FINGERPRINT` does. A host adapter: it spawns a process, so edge runtimes use
 * `openpgpSigner` instead.
 *
 * @module
 */
import { requireNodeBuiltin } from "../host/node_builtin.ts";
import { SigningError } from "../errors.ts";
import { concatBytes } from "../streams/mod.ts";
import { claims, type ImageSigner } from "./image_signer.ts";
import { createSignaturePayload } from "./signature_payload.ts";

/** Options of {@linkcode gpgSigner}. */
export interface GpgSignerOptions {
  /** The `gpg` program. @default "gpg" */
  program?: string;
  /** The environment of `gpg` (e.g. `GNUPGHOME`). @default the process's */
  env?: Record<string, string | undefined>;
  /** A file holding the key's passphrase (`--pinentry-mode loopback`). @default none */
  passphraseFile?: string;
}

function runGpg(
  program: string,
  args: string[],
  input: Uint8Array,
  env: Record<string, string> | undefined,
): Promise<{ code: number | null; stdout: Uint8Array; stderr: string }> {
  return new Promise((resolve, reject) => {
    const { spawn } = requireNodeBuiltin("node:child_process", "run gpg");
    const child = spawn(program, args, { stdio: ["pipe", "pipe", "pipe"], env });
    const stdout: Uint8Array[] = [];
    const stderr: Uint8Array[] = [];
    child.stdout.on("data", (chunk: Uint8Array) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Uint8Array) => stderr.push(chunk));
    child.on("error", reject);
    child.on("close", (code) =>
      resolve({
        code,
        stdout: concatBytes(stdout),
        stderr: new TextDecoder().decode(concatBytes(stderr)),
      }));
    child.stdin.on("error", () => {});
    child.stdin.end(input);
  });
}

/**
 * A signer that runs `gpg --sign` with the key `fingerprint` of the user's keyring.
 *
 * @example
 * ```ts ignore
 * const signer = gpgSigner("0123456789ABCDEF0123456789ABCDEF01234567");
 * ```
 */
export function gpgSigner(fingerprint: string, options: GpgSignerOptions = {}): ImageSigner {
  const env = options.env === undefined ? undefined : Object.fromEntries(
    Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined),
  );
  return {
    format: "simple",
    async sign(dockerReference, manifestDigest) {
      const payload = createSignaturePayload(claims(dockerReference, manifestDigest));
      const args = ["--batch", "--no-tty", "--local-user", fingerprint];
      if (options.passphraseFile !== undefined) {
        args.push("--pinentry-mode", "loopback", "--passphrase-file", options.passphraseFile);
      }
      args.push("--output", "-", "--sign");
      let result;
      try {
        result = await runGpg(options.program ?? "gpg", args, payload, env);
      } catch (error) {
        throw new SigningError(dockerReference, `cannot run gpg (${(error as Error).message})`, {
          cause: error,
        });
      }
      if (result.code !== 0 || result.stdout.length === 0) {
        throw new SigningError(
          dockerReference,
          `gpg failed to sign with key ${fingerprint}: ${result.stderr.trim()}`,
        );
      }
      return { format: "simple", blob: result.stdout };
    },
  };
}
