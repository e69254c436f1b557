/**
 * `stevedore serve`: serves the image API over HTTP until interrupted.
 *
 * @module
 */
import { expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";

/** The `serve` command. */
export const command: Command = {
  name: "serve",
  usage: "stevedore serve [options]",
  description: "Serve the image API (Docker/Podman compatible subset) over HTTP until interrupted.",
  flags: {
    listen: {
      type: "string",
      help: "HOST:PORT, tcp://HOST:PORT or unix://PATH (default 127.0.0.1:8080)",
      valueName: "address",
    },
    token: {
      type: "string",
      help: 'Require "Authorization: Bearer TOKEN" (also $STEVEDORE_SERVER_TOKEN)',
      valueName: "token",
    },
  },
  async run(ctx, args) {
    expectArgs("serve", args.positionals, 0, 0);
    const { startServer } = await import("../server/mod.ts");
    const runtime = await ctx.openRuntime();
    const token = stringFlag(args, "token") ?? ctx.io.env.STEVEDORE_SERVER_TOKEN;
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
