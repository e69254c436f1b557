/**
 * `stevedore tag` and `stevedore untag`: add names to and remove names from a local image.
 *
 * @module
 */
import { expectArgs } from "./_args.ts";
import type { Command } from "./_command.ts";

/** The `tag` and `untag` commands. */
export const commands: Record<string, Command> = {
  tag: {
    name: "tag",
    usage: "stevedore tag IMAGE TARGET_NAME [TARGET_NAME...]",
    description: "Add one or more additional names to a local image.",
    aliases: ["image tag"],
    flags: {},
    async run(ctx, args) {
      expectArgs("tag", args.positionals, 2);
      const runtime = await ctx.openRuntime();
      const [image, ...targets] = args.positionals;
      for (const target of targets) await runtime.tag(image, target);
    },
  },
  untag: {
    name: "untag",
    usage: "stevedore untag IMAGE [IMAGE_NAME...]",
    description: "Remove one or more names from a local image; without names, remove all of them.",
    aliases: ["image untag"],
    flags: {},
    async run(ctx, args) {
      expectArgs("untag", args.positionals, 1);
      const runtime = await ctx.openRuntime();
      const [image, ...names] = args.positionals;
      const targets = names.length > 0 ? names : (await runtime.lookupImage(image)).image.names;
      const { image: record } = await runtime.lookupImage(image);
      for (const name of targets) await runtime.untag(record.id, name);
    },
  },
};
