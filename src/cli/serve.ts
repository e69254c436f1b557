/**
 * `stevedore serve`: serves the image API over HTTP until interrupted.
 *
 * @module
 */
import { hostFileSystem } from "../fs/mod.ts";
import { expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { policyFlags, policyOptions } from "./_trust_flags.ts";

/** The `serve` command. */
export const command: Command = {
  name: "serve",
  usage: "stevedore serve [options]",
  description: "Serve the image API (Docker/Podman compatible subset) over HTTP until interrupted.",
  flags: {
    ...policyFlags,
    listen: {
      type: "string",
      help: "HOST:PORT, tcp://HOST:PORT or unix://PATH (default 127.0.0.1:8080)",
      valueName: "address",
    },
    "token-file": {
      type: "string",
      help: 'Require "Authorization: Bearer TOKEN", TOKEN read from this file ' +
        "(also $STEVEDORE_SERVER_TOKEN)",
      valueName: "path",
    },
    token: {
      type: "string",
      help: "The same with TOKEN in argv (visible in ps: prefer --token-file)",
      valueName: "token",
    },
    authfile: { type: "string", help: "Path of the authentication file", valueName: "path" },
  },
  async run(ctx, args) {
    expectArgs("serve", args.positionals, 0, 0);
    const { resolveServerToken, startServer } = await import("../server/mod.ts");
    const argvToken = stringFlag(args, "token");
    const tokenFile = stringFlag(args, "token-file");
    const { token, warning } = await resolveServerToken({
      env: ctx.io.env,
      fs: hostFileSystem(),
      ...(argvToken === undefined ? {} : { token: argvToken }),
      ...(tokenFile === undefined ? {} : { tokenFile }),
    });
    if (warning) await ctx.err(`WARNING: ${warning}\n`);
    const authFile = stringFlag(args, "authfile");
    const runtime = await ctx.openRuntime({
      ...policyOptions(args),
      ...(authFile === undefined ? {} : { authFile }),
    });
    const listen = stringFlag(args, "listen");
    const server = await startServer({
      runtime,
      ...(listen === undefined ? {} : { listen }),
      ...(token ? { token } : {}),
      log: (line) => void ctx.err(line + "\n"),
    });
    await ctx.out(`stevedore server listening on ${server.url} (${server.adapter})\n`);
    let remove: (() => void) | undefined;
    await new Promise<void>((resolve) => {
      remove = ctx.io.onSignal?.(() => resolve());
    });
    remove?.();
    await server.close();
  },
};
