/**
 * `stevedore inspect` (`image inspect`): prints image configurations like
 * `podman image inspect`, as a JSON array or through a Go template.
 *
 * @module
 */
import { ImageNotFoundError } from "../errors.ts";
import { expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { errorLine, EXIT_USAGE, UsageError } from "./_errors.ts";
import { parseTemplate } from "./_format.ts";

/** The `inspect` command. */
export const command: Command = {
  name: "inspect",
  usage: "stevedore inspect [options] IMAGE [IMAGE...]",
  description: "Display the configuration of one or more images.",
  aliases: ["image inspect"],
  flags: {
    format: {
      type: "string",
      short: "f",
      help: "Format the output using a Go template (or json)",
      valueName: "format",
    },
    type: {
      type: "string",
      short: "t",
      help: "Kind of object to inspect (image)",
      valueName: "type",
    },
    size: { type: "boolean", short: "s", help: "Display the total size" },
  },
  async run(ctx, args) {
    expectArgs("inspect", args.positionals, 1);
    const type = stringFlag(args, "type") ?? "image";
    if (type !== "image" && type !== "all") {
      throw new UsageError(`--type=${type}`, "only images can be inspected");
    }
    const format = stringFlag(args, "format");
    const template = format === undefined || format === "json" ? undefined : parseTemplate(format);
    const runtime = await ctx.openRuntime();
    const found: unknown[] = [];
    let failed = false;
    for (const name of args.positionals) {
      try {
        found.push(await runtime.inspect(name, { withSize: true, withParent: true }));
      } catch (error) {
        if (!(error instanceof ImageNotFoundError)) throw error;
        failed = true;
        await ctx.err(errorLine(`inspecting object: no such object: "${name}"`));
      }
    }
    if (template) {
      await ctx.out(found.map((data) => template.render(data) + "\n").join(""));
    } else if (found.length > 0 || !failed) {
      await ctx.out(JSON.stringify(found, null, 4) + "\n");
    } else {
      await ctx.out("[]\n");
    }
    return failed ? EXIT_USAGE : 0;
  },
};
