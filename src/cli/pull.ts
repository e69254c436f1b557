/**
 * `stevedore pull`: pulls images like `podman pull`, with progress on standard error and
 * the image IDs on standard output.
 *
 * @module
 */
import type { PullOptions } from "../runtime/mod.ts";
import { boolFlag, durationFlag, expectArgs, intFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { ProgressPrinter } from "./_progress.ts";
import { timeoutFlags, timeoutOptions, transferFlags, transferOptions } from "./_transfer.ts";
import { policyFlags, policyOptions } from "./_trust_flags.ts";

/** The `pull` command. */
export const command: Command = {
  name: "pull",
  usage: "stevedore pull [options] IMAGE [IMAGE...]",
  description: "Pull an image from a registry (or another transport) into local storage.",
  aliases: ["image pull"],
  flags: {
    ...transferFlags,
    ...timeoutFlags,
    ...policyFlags,
    "all-tags": { type: "boolean", short: "a", help: "Pull all tagged images in the repository" },
    arch: {
      type: "string",
      help: "Use ARCH instead of the host's architecture",
      valueName: "arch",
    },
    os: { type: "string", help: "Use OS instead of the host's OS", valueName: "os" },
    variant: {
      type: "string",
      help: "Use VARIANT instead of the host's variant",
      valueName: "variant",
    },
    platform: { type: "string", help: "Pull for OS/ARCH[/VARIANT]", valueName: "platform" },
    policy: {
      type: "string",
      help: "Pull policy: always, missing, never, newer (default always, as podman pull)",
      valueName: "policy",
    },
    pull: { type: "string", help: "The same as --policy", valueName: "policy" },
    quiet: { type: "boolean", short: "q", help: "Suppress output information when pulling images" },
  },
  async run(ctx, args) {
    expectArgs("pull", args.positionals, 1);
    const quiet = boolFlag(args, "quiet");
    const progress = new ProgressPrinter({
      write: (text) => void ctx.err(text),
      tty: !quiet && ctx.io.isTTY.stderr,
      quiet,
    });
    const options: PullOptions = {
      ...transferOptions(args),
      ...timeoutOptions(args),
      allTags: boolFlag(args, "all-tags"),
      onProgress: progress.onProgress,
      writer: (line) => progress.line(line),
    };
    const policy = stringFlag(args, "policy") ?? stringFlag(args, "pull") ?? "always";
    options.policy = policy as PullOptions["policy"];
    for (const key of ["platform", "os", "variant"] as const) {
      const value = stringFlag(args, key);
      if (value !== undefined) options[key] = value;
    }
    const arch = stringFlag(args, "arch");
    if (arch !== undefined) options.architecture = arch;
    const retries = intFlag(args, "retry");
    if (retries !== undefined) options.retries = retries;
    const delay = durationFlag(args, "retry-delay");
    if (delay !== undefined) options.retryDelayMs = delay;
    const runtime = await ctx.openRuntime(policyOptions(args));
    for (const name of args.positionals) {
      const records = await runtime.pull(name, options);
      progress.finish(records.length === 1 ? `sha256:${records[0].id}` : undefined);
      await ctx.out(records.map((record) => record.id + "\n").join(""));
    }
  },
};
