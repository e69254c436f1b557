/**
 * `stevedore image exists`: exit 0 when a usable local image exists, 1 otherwise.
 *
 * @module
 */
import { expectArgs } from "./_args.ts";
import type { Command } from "./_command.ts";
import { EXIT_FAILURE } from "./_errors.ts";

/** The `image exists` command. */
export const command: Command = {
  name: "image exists",
  usage: "stevedore image exists IMAGE",
  description: "Check if an image exists in local storage (exit code 0 yes, 1 no).",
  flags: {},
  async run(ctx, args) {
    expectArgs("image exists", args.positionals, 1, 1);
    const runtime = await ctx.openRuntime();
    return (await runtime.exists(args.positionals[0])) ? 0 : EXIT_FAILURE;
  },
};
