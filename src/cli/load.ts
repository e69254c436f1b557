/**
 * `stevedore load` (`image load`): loads images from an archive or directory like
 * `podman load`.
 *
 * @module
 */
import type { LoadOptions } from "../runtime/mod.ts";
import { boolFlag, expectArgs, intFlag, sizeFlag, stringFlag } from "./_args.ts";
import { policyFlags, policyOptions } from "./_trust_flags.ts";
import type { Command } from "./_command.ts";
import { ProgressPrinter } from "./_progress.ts";

/** The `load` command. */
export const command: Command = {
  name: "load",
  usage: "stevedore load [options]",
  description: "Load images from an archive (or directory) given with -i, or from stdin.",
  aliases: ["image load"],
  flags: {
    ...policyFlags,
    input: {
      type: "string",
      short: "i",
      help: "Read from the specified archive or directory",
      valueName: "path",
    },
    quiet: { type: "boolean", short: "q", help: "Suppress the output" },
    "max-bytes": {
      type: "string",
      help: "Refuse a payload that expands past this size (default 64G)",
      valueName: "size",
    },
    "max-images": {
      type: "string",
      help: "Refuse an archive with more images, each name counting (default 1000)",
      valueName: "count",
    },
  },
  async run(ctx, args) {
    expectArgs("load", args.positionals, 0, 0);
    const input = stringFlag(args, "input");
    const quiet = boolFlag(args, "quiet");
    const progress = new ProgressPrinter({
      write: (text) => void ctx.err(text),
      tty: !quiet && ctx.io.isTTY.stderr,
      quiet,
    });
    const runtime = await ctx.openRuntime(policyOptions(args));
    const options: LoadOptions = { onProgress: progress.onProgress };
    const maxBytes = sizeFlag(args, "max-bytes");
    if (maxBytes !== undefined) options.maxBytes = maxBytes;
    const maxImages = intFlag(args, "max-images");
    if (maxImages !== undefined) options.maxImages = maxImages;
    const names = await runtime.load(input ?? ctx.io.stdin, options);
    progress.finish();
    await ctx.out(names.map((name) => `Loaded image: ${name}\n`).join(""));
  },
};
