/**
 * `stevedore logout`: removes stored credentials like `podman logout`.
 *
 * @module
 */
import { removeCredentials } from "../config/mod.ts";
import { hostFileSystem, isNotFound } from "../fs/mod.ts";
import { boolFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { authContext, registryKey } from "./_auth.ts";
import { EXIT_USAGE, ExitCodeError, UsageError } from "./_errors.ts";

/** The `logout` command. */
export const command: Command = {
  name: "logout",
  usage: "stevedore logout [options] REGISTRY",
  description: "Remove the stored credentials of a registry.",
  flags: {
    all: { type: "boolean", short: "a", help: "Remove the credentials of all registries" },
    authfile: { type: "string", help: "Path of the authentication file", valueName: "path" },
  },
  async run(ctx, args) {
    const all = boolFlag(args, "all");
    if (all && args.positionals.length > 0) {
      throw new UsageError("--all", "cannot be used with a registry");
    }
    if (!all && args.positionals.length !== 1) {
      throw new UsageError("logout", "requires exactly 1 argument (the registry)");
    }
    const auth = await authContext(ctx, stringFlag(args, "authfile"));
    const fs = hostFileSystem();
    if (all) {
      try {
        await fs.remove(auth.path);
      } catch (error) {
        if (!isNotFound(error)) throw error;
      }
      await ctx.out("Removed login credentials for all registries\n");
      return;
    }
    const key = registryKey(args.positionals[0]);
    const removed = await removeCredentials(
      { fs, runCredentialHelper: auth.credentials.runCredentialHelper },
      auth.path,
      key,
    );
    if (!removed) throw new ExitCodeError(`not logged into ${key}`, EXIT_USAGE);
    await ctx.out(`Removed login credentials for ${key}\n`);
  },
};
