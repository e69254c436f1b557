/**
 * The HTTP server: serves a store (Docker Engine API image subset, OCI distribution at
 * `/v2/`, stevedore API at `/stevedore/v1/`) on Deno, Node or Bun. Run as a program it
 * parses its command line and listens, reading the same environment as the CLI
 * (`CONTAINERS_REGISTRIES_CONF`, `REGISTRY_AUTH_FILE`, `XDG_RUNTIME_DIR`, `DOCKER_CONFIG`,
 * `HOME`, `STEVEDORE_ROOT`):
 *
 * ```sh
 * deno run -A server.ts --listen 127.0.0.1:8080 --root /tmp/store [--token-file FILE]
 * ```
 *
 * As a module it exports {@linkcode startServer}, the Hono app factory
 * {@linkcode createServerApp} and the OCI distribution routes ({@linkcode distributionApp})
 * over any {@linkcode RegistryStorage}.
 *
 * @example Serve an in-memory registry and ask it for its API version
 * ```ts
 * import { distributionApp, MemoryRegistryStorage } from "./server.ts";
 *
 * const app = distributionApp(new MemoryRegistryStorage());
 * const response = await app.request("/v2/");
 * console.log(response.status); // 200
 * ```
 *
 * @module
 */
import process from "node:process";
import { homedir, userInfo } from "node:os";
import { defaultStorageRoot } from "./src/config/mod.ts";
import { UsageError } from "./src/server/usage_error.ts";
import { NodeFileSystem } from "./src/fs/mod.ts";
import { DEFAULT_LISTEN, resolveServerToken, startServer } from "./src/server/mod.ts";

export * from "./src/server/mod.ts";
// A runtime and every type its API reaches: the server's API takes and hands out runtimes.
export type * from "./src/runtime/mod.ts";

const USAGE = `Usage: server.ts [options]

  --listen ADDR           127.0.0.1:PORT, tcp://HOST:PORT or unix://PATH (default ${DEFAULT_LISTEN})
  --root DIR              the store's root directory (default: $STEVEDORE_ROOT, else the standard store)
  --registries-conf FILE  the registries.conf to read (default: $CONTAINERS_REGISTRIES_CONF, else the standard files)
  --authfile FILE         the credential file to read (default: $REGISTRY_AUTH_FILE, else the standard files)
  --token-file FILE       require "Authorization: Bearer TOKEN", TOKEN read from FILE
                          (required off loopback; also read from $STEVEDORE_SERVER_TOKEN)
  --token TOKEN           the same, but visible to every user in ps: prefer --token-file
  --signature-policy FILE the signature policy pulls are checked against
                          (default: ~/.config/containers/policy.json, else /etc/containers/policy.json)
  --registries.d DIR      where registries.d says signatures are stored
`;

const FLAGS = [
  "listen",
  "root",
  "token",
  "token-file",
  "registries-conf",
  "authfile",
  "signature-policy",
  "registries.d",
] as const;
type Flag = typeof FLAGS[number];

/** The parsed command line of the server. */
export interface ServerArgs {
  /** The listen address. */
  listen: string;
  /** The store root, if given. */
  root?: string;
  /** The token given in argv, if any. */
  token?: string;
  /** The file holding the token, if given. */
  tokenFile?: string;
  /** The registries.conf to read, if given. */
  registriesConf?: string;
  /** The credential file to read, if given. */
  authFile?: string;
  /** The signature policy file, if given. */
  signaturePolicy?: string;
  /** The registries.d directory, if given. */
  registriesD?: string;
  /** Whether help was asked for. */
  help: boolean;
}

const FIELDS: Record<Flag, Exclude<keyof ServerArgs, "help">> = {
  listen: "listen",
  root: "root",
  token: "token",
  "token-file": "tokenFile",
  "registries-conf": "registriesConf",
  authfile: "authFile",
  "signature-policy": "signaturePolicy",
  "registries.d": "registriesD",
};

/**
 * Parses `--listen`, `--root`, `--token`, `--token-file`, `--registries-conf`, `--authfile`,
 * `--signature-policy`, `--registries.d` (also `--flag=value`) and `--help`.
 *
 * @throws {UsageError} for an unknown argument or a missing value.
 */
export function parseServerArgs(args: string[]): ServerArgs {
  const out: ServerArgs = { listen: DEFAULT_LISTEN, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = (eq > 0 ? arg.slice(0, eq) : arg).replace(/^--/, "");
    if (!arg.startsWith("--") || !(FLAGS as readonly string[]).includes(flag)) {
      throw new UsageError(arg, "unknown argument");
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${flag}`, "needs a value");
    out[FIELDS[flag as Flag]] = value;
  }
  return out;
}

function uid(): number {
  try {
    return Math.max(userInfo().uid, 0);
  } catch {
    return 1000;
  }
}

async function main(): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`Error: ${(error as Error).message}\n\n${USAGE}`);
    process.exit(125);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const env = process.env as Record<string, string | undefined>;
  const { token, warning } = await resolveServerToken({
    env,
    fs: new NodeFileSystem(),
    ...(args.token === undefined ? {} : { token: args.token }),
    ...(args.tokenFile === undefined ? {} : { tokenFile: args.tokenFile }),
  });
  if (warning) console.error(`WARNING: ${warning}`);
  const homeDir = env.HOME ?? homedir();
  const server = await startServer({
    listen: args.listen,
    root: args.root ?? env.STEVEDORE_ROOT ?? defaultStorageRoot({ env, homeDir, uid: uid() }),
    runtimeOptions: {
      env,
      homeDir,
      cwd: process.cwd(),
      warn: (message) => console.error(`WARNING: ${message}`),
      ...(args.registriesConf === undefined ? {} : { registriesConf: args.registriesConf }),
      ...(args.authFile === undefined ? {} : { authFile: args.authFile }),
      ...(args.signaturePolicy ? { signaturePolicyPath: args.signaturePolicy } : {}),
      ...(args.registriesD ? { registriesDirPath: args.registriesD } : {}),
    },
    ...(token ? { token } : {}),
    log: (line) => console.error(line),
  });
  console.log(`stevedore server listening on ${server.url} (${server.adapter})`);
  const stop = () => {
    server.close().finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (import.meta.main ?? (process.argv[1] && import.meta.url.endsWith(process.argv[1]))) {
  main().catch((error) => {
    console.error(`Error: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 125 : 1);
  });
}
