/**
 * `stevedore image tree`: the layer hierarchy of an image like `podman image tree`.
 *
 * @module
 */
import { boolFlag, expectArgs } from "./_args.ts";
import type { Command } from "./_command.ts";

/** The `image tree` command. */
export const command: Command = {
  name: "image tree",
  usage: "stevedore image tree [options] IMAGE",
  description: "Print the layer hierarchy of an image in a tree format.",
  flags: {
    whatrequires: { type: "boolean", help: "Show the images that depend on this image" },
  },
  async run(ctx, args) {
    expectArgs("image tree", args.positionals, 1, 1);
    const runtime = await ctx.openRuntime();
    const text = await runtime.tree(args.positionals[0], {
      whatRequires: boolFlag(args, "whatrequires"),
    });
    await ctx.out(text.endsWith("\n") ? text : text + "\n");
  },
};
