/**
 * `stevedore unpack`: writes an image's root file system into a directory.
 *
 * @module
 */
import { expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";

/** The `unpack` command. */
export const command: Command = {
  name: "unpack",
  usage: "stevedore unpack [options] IMAGE DIRECTORY",
  description: "Unpack the layers of a local image into a directory.",
  aliases: ["image unpack"],
  flags: {
    platform: {
      type: "string",
      help: "Unpack the image for OS/ARCH[/VARIANT]",
      valueName: "platform",
    },
  },
  async run(ctx, args) {
    expectArgs("unpack", args.positionals, 2, 2);
    const runtime = await ctx.openRuntime();
    const platform = stringFlag(args, "platform");
    const result = await runtime.unpack(
      args.positionals[0],
      args.positionals[1],
      platform === undefined ? {} : { platform },
    );
    await ctx.out(`${result.image.id}\n`);
  },
};
