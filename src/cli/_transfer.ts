/**
 * The registry flags shared by `pull`, `push`, `search`, `login` and `manifest push`:
 * `--tls-verify`, `--cert-dir`, `--authfile`, `--creds`, `--retry`, `--retry-delay`; and the network
 * timeouts of `pull`, `push` and `search`: `--connect-timeout`, `--read-timeout`; the gzip level of
 * `push` and `copy`.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import type { FlagSpec, FlagSpecs, ParsedArgs } from "./_args.ts";
import { boolFlag, durationFlag, intFlag, stringFlag } from "./_args.ts";

/** `--cert-dir`, as podman has it (also on `search` and `login`). */
export const certDirFlag: FlagSpec = {
  type: "string",
  help: "Use certificates at path (*.crt, *.cert, *.key) to connect to the registry",
  valueName: "path",
};

/** The flags. */
export const transferFlags: FlagSpecs = {
  authfile: { type: "string", help: "Path of the authentication file", valueName: "path" },
  creds: {
    type: "string",
    help: "Use USERNAME[:PASSWORD] for accessing the registry",
    valueName: "credentials",
  },
  "tls-verify": {
    type: "boolean",
    help: "Require HTTPS and verify certificates when contacting registries (default true)",
  },
  "cert-dir": certDirFlag,
  retry: { type: "string", help: "Number of times to retry in case of failure", valueName: "uint" },
  "retry-delay": {
    type: "string",
    help: "Delay between retries in case of failure (e.g. 2s)",
    valueName: "duration",
  },
};

/** What the flags ask for, as pull/push options. */
export interface TransferOptions {
  /** `--authfile`. */
  authFile?: string;
  /** `--creds` as `user[:password]`. */
  credentials?: string;
  /** `--tls-verify`. */
  tlsVerify?: boolean;
  /** `--cert-dir`. */
  certDir?: string;
}

/** The options the flags give. @throws {UsageError} for empty credentials. */
export function transferOptions(args: ParsedArgs): TransferOptions {
  const options: TransferOptions = {};
  const authFile = stringFlag(args, "authfile");
  if (authFile !== undefined) options.authFile = authFile;
  const creds = stringFlag(args, "creds");
  if (creds !== undefined) {
    if (creds === "" || creds.startsWith(":")) {
      throw new UsageError("--creds", "username must not be empty");
    }
    options.credentials = creds;
  }
  if (args.values["tls-verify"] !== undefined) options.tlsVerify = boolFlag(args, "tls-verify");
  const certDir = stringFlag(args, "cert-dir");
  if (certDir !== undefined) options.certDir = certDir;
  return options;
}

/** The network timeout flags of `pull`, `push` and `search`. */
export const timeoutFlags: FlagSpecs = {
  "connect-timeout": {
    type: "string",
    help: "How long to wait for a registry to answer a request, 0 for ever (default 30s)",
    valueName: "duration",
  },
  "read-timeout": {
    type: "string",
    help: "How long a download may stall before it is resumed or fails, 0 for ever (default 60s)",
    valueName: "duration",
  },
};

/** What the timeout flags ask for, in milliseconds. @throws {UsageError} for a bad duration. */
export function timeoutOptions(
  args: ParsedArgs,
): { connectTimeoutMs?: number; readTimeoutMs?: number } {
  const options: { connectTimeoutMs?: number; readTimeoutMs?: number } = {};
  const connect = durationFlag(args, "connect-timeout");
  if (connect !== undefined) options.connectTimeoutMs = Math.ceil(connect);
  const read = durationFlag(args, "read-timeout");
  if (read !== undefined) options.readTimeoutMs = Math.ceil(read);
  return options;
}

/** A gzip-level flag (`--compression-level`, `--dest-compress-level`): an integer 0-9, if given. */
export function compressionLevelFlag(args: ParsedArgs, name: string): number | undefined {
  const level = intFlag(args, name);
  if (level !== undefined && level > 9) {
    throw new UsageError(`--${name}=${level}`, "must be 0 to 9");
  }
  return level;
}
