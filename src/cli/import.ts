/**
 * `stevedore import` (`image import`): makes an image from a root file system tarball like
 * `podman import`.
 *
 * @module
 */
import type { ImportOptions } from "../runtime/mod.ts";
import { boolFlag, expectArgs, listFlag, sizeFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";

/** The `import` command. */
export const command: Command = {
  name: "import",
  usage: "stevedore import [options] PATH|- [REFERENCE]",
  description: "Import a tarball (a path, or - for stdin) as a filesystem image.",
  aliases: ["image import"],
  flags: {
    change: {
      type: "string",
      short: "c",
      multiple: true,
      help: "Apply a Dockerfile instruction (CMD, ENV, LABEL, ...)",
      valueName: "instruction",
    },
    message: {
      type: "string",
      short: "m",
      help: "Set the commit message of the image",
      valueName: "message",
    },
    arch: { type: "string", help: "Set the architecture of the image", valueName: "arch" },
    os: { type: "string", help: "Set the OS of the image", valueName: "os" },
    variant: { type: "string", help: "Set the variant of the image", valueName: "variant" },
    platform: { type: "string", help: "Set OS/ARCH[/VARIANT] of the image", valueName: "platform" },
    quiet: { type: "boolean", short: "q", help: "Suppress the output" },
    "max-bytes": {
      type: "string",
      help: "Refuse a tarball that expands past this size (default 64G)",
      valueName: "size",
    },
  },
  async run(ctx, args) {
    expectArgs("import", args.positionals, 1, 2);
    const [path, reference] = args.positionals;
    const options: ImportOptions = {};
    if (reference !== undefined) options.reference = reference;
    const changes = listFlag(args, "change");
    if (changes.length > 0) options.changes = changes;
    const message = stringFlag(args, "message");
    if (message !== undefined) options.message = message;
    for (const key of ["os", "variant", "platform"] as const) {
      const value = stringFlag(args, key);
      if (value !== undefined) options[key] = value;
    }
    const arch = stringFlag(args, "arch");
    if (arch !== undefined) options.architecture = arch;
    const maxBytes = sizeFlag(args, "max-bytes");
    if (maxBytes !== undefined) options.maxBytes = maxBytes;
    if (!boolFlag(args, "quiet")) options.writer = (line) => void ctx.err(line + "\n");
    const runtime = await ctx.openRuntime();
    const id = await runtime.importImage(path === "-" ? ctx.io.stdin : path, options);
    await ctx.out(id.replace(/^sha256:/, "") + "\n");
  },
};
