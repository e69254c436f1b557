/**
 * `stevedore image prune`: removes dangling (or, with `-a`, unused) images like
 * `podman image prune`, asking first unless `--force`.
 *
 * @module
 */
import { boolFlag, expectArgs, listFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { readLine } from "./_stdin.ts";

/** The `image prune` command. */
export const command: Command = {
  name: "image prune",
  usage: "stevedore image prune [options]",
  description: "Remove all dangling images from local storage (with --all, all unused images).",
  flags: {
    all: { type: "boolean", short: "a", help: "Remove all images not in use by containers" },
    external: { type: "boolean", help: "Remove images even when used by external containers" },
    filter: {
      type: "string",
      multiple: true,
      help: "Provide filter values (e.g. 'label=<key>=<value>')",
      valueName: "filters",
    },
    force: { type: "boolean", short: "f", help: "Do not prompt for confirmation" },
  },
  async run(ctx, args) {
    expectArgs("image prune", args.positionals, 0, 0);
    const all = boolFlag(args, "all");
    if (!boolFlag(args, "force")) {
      await ctx.err(
        all
          ? "WARNING! This command removes all images without at least one container associated with them.\n"
          : "WARNING! This command removes all dangling images.\n",
      );
      await ctx.err("Are you sure you want to continue? [y/N] ");
      const answer = (await readLine(ctx.io.stdin)).trim().toLowerCase();
      if (answer !== "y" && answer !== "yes") return 0;
    }
    const runtime = await ctx.openRuntime();
    const { reports, errors, leftovers } = await runtime.prune({
      all,
      filters: listFlag(args, "filter"),
      external: boolFlag(args, "external"),
    });
    await ctx.out(reports.filter((r) => r.removed).map((r) => r.id + "\n").join(""));
    if (leftovers.length > 0) {
      const bytes = leftovers.reduce((sum, leftover) => sum + (leftover.size ?? 0), 0);
      await ctx.err(
        `Removed ${leftovers.length} leftover(s) of processes that no longer run (${bytes} bytes)\n`,
      );
    }
    if (errors.length > 0) throw errors[0];
  },
};
