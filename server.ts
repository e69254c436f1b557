/**
 * The `stevedore-server` entry point: serves a store over HTTP (Docker Engine API image
 * subset, OCI distribution at `/v2/`, stevedore API at `/stevedore/v1/`) on Deno, Node or
 * Bun.
 *
 * ```sh
 * deno run -A server.ts --listen 127.0.0.1:8080 --root /tmp/store [--token SECRET]
 * ```
 *
 * @module
 */
import process from "node:process";
import { DEFAULT_LISTEN, startServer } from "./src/server/mod.ts";

export { startServer } from "./src/server/mod.ts";
export type { RunningServer, StartServerOptions } from "./src/server/mod.ts";

const USAGE = `Usage: server.ts [--listen ADDR] [--root DIR] [--token TOKEN]

  --listen ADDR   127.0.0.1:PORT, tcp://HOST:PORT or unix://PATH (default ${DEFAULT_LISTEN})
  --root DIR      the store's root directory (default: the standard store)
  --token TOKEN   require "Authorization: Bearer TOKEN" (required off loopback)
                  (also read from $STEVEDORE_SERVER_TOKEN)
`;

/** The parsed command line of the server. */
export interface ServerArgs {
  /** The listen address. */
  listen: string;
  /** The store root, if given. */
  root?: string;
  /** The token, if given. */
  token?: string;
  /** Whether help was asked for. */
  help: boolean;
}

/** Parses `--listen`, `--root`, `--token` (also `--flag=value`) and `--help`. */
export function parseServerArgs(args: string[]): ServerArgs {
  const out: ServerArgs = { listen: DEFAULT_LISTEN, help: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "-h" || arg === "--help") {
      out.help = true;
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (flag !== "--listen" && flag !== "--root" && flag !== "--token") {
      throw new TypeError(`Unknown argument "${arg}"`);
    }
    const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
    if (value === undefined) throw new TypeError(`${flag} needs a value`);
    out[flag.slice(2) as "listen" | "root" | "token"] = value;
  }
  return out;
}

async function main(): Promise<void> {
  let args: ServerArgs;
  try {
    args = parseServerArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const token = args.token ?? process.env.STEVEDORE_SERVER_TOKEN;
  const server = await startServer({
    listen: args.listen,
    ...(args.root ? { root: args.root } : {}),
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
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  });
}
