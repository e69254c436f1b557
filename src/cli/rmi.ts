/**
 * `stevedore rmi` (`image rm`): removes images like `podman rmi`; exits 1 when an image
 * is not known and 2 when one is in use or has several names, as Podman does.
 *
 * @module
 */
import { ImageConflictError } from "../errors.ts";
import { boolFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { errorLine, EXIT_FAILURE, UsageError } from "./_errors.ts";

/** The `rmi` command. */
export const command: Command = {
  name: "rmi",
  usage: "stevedore rmi [options] IMAGE [IMAGE...]",
  description: "Remove one or more images from local storage.",
  aliases: ["image rm"],
  flags: {
    all: { type: "boolean", short: "a", help: "Remove all images" },
    force: { type: "boolean", short: "f", help: "Force removal of the image and its containers" },
    ignore: {
      type: "boolean",
      short: "i",
      help: "Ignore errors if a specified image does not exist",
    },
    "no-prune": { type: "boolean", help: "Do not remove dangling parent images" },
  },
  async run(ctx, args) {
    const all = boolFlag(args, "all");
    if (all && args.positionals.length > 0) {
      throw new UsageError(
        "--all",
        "when using the --all switch, you may not pass any images names or IDs",
      );
    }
    if (!all && args.positionals.length === 0) {
      throw new UsageError("rmi", "image name or ID must be specified");
    }
    const runtime = await ctx.openRuntime();
    const { reports, errors } = await runtime.removeImages(args.positionals, {
      force: boolFlag(args, "force"),
      ignore: boolFlag(args, "ignore"),
      noPrune: boolFlag(args, "no-prune"),
    });
    let text = "";
    for (const report of reports) {
      for (const name of report.untagged) text += `Untagged: ${name}\n`;
      if (report.removed) text += `Deleted: ${report.id}\n`;
    }
    await ctx.out(text);
    let code = 0;
    for (const error of errors) {
      await ctx.err(errorLine(error));
      if (error instanceof ImageConflictError) code = 2;
      else if (code === 0) code = EXIT_FAILURE;
    }
    return code;
  },
};
