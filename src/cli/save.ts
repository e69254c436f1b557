/**
 * `stevedore save` (`image save`): writes images to an archive or directory like
 * `podman save`.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import type { SaveFormat } from "../runtime/mod.ts";
import { boolFlag, expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { ProgressPrinter } from "./_progress.ts";

const FORMATS = ["oci-archive", "oci-dir", "docker-dir", "docker-archive"];

/** The `save` command. */
export const command: Command = {
  name: "save",
  usage: "stevedore save [options] IMAGE [IMAGE...]",
  description: "Save images to an archive (docker-archive by default) or a directory.",
  aliases: ["image save"],
  flags: {
    format: {
      type: "string",
      help: "Save to oci-archive, oci-dir, docker-archive or docker-dir (default docker-archive)",
      valueName: "format",
    },
    output: {
      type: "string",
      short: "o",
      help: "Write to a specified file (default: stdout)",
      valueName: "path",
    },
    "multi-image-archive": {
      type: "boolean",
      short: "m",
      help: "Interpret additional arguments as images, not tags",
    },
    compress: { type: "boolean", help: "Compress layers when saving to a directory" },
    uncompressed: {
      type: "boolean",
      help: "Keep uncompressed layers as they are in oci-archive and oci-dir",
    },
    quiet: { type: "boolean", short: "q", help: "Suppress the output" },
  },
  async run(ctx, args) {
    expectArgs("save", args.positionals, 1);
    const format = stringFlag(args, "format") ?? "docker-archive";
    if (!FORMATS.includes(format)) {
      throw new UsageError(`--format=${format}`, `must be one of ${FORMATS.join(", ")}`);
    }
    const output = stringFlag(args, "output");
    if (output === undefined && (ctx.io.isTTY.stdout || format.endsWith("-dir"))) {
      throw new UsageError("save", "refusing to save to a terminal: use -o or redirect");
    }
    const multi = boolFlag(args, "multi-image-archive");
    if (multi && format !== "docker-archive" && format !== "oci-archive") {
      throw new UsageError("--multi-image-archive", `not supported with --format ${format}`);
    }
    const [first, ...rest] = args.positionals;
    const names = multi ? args.positionals : [first];
    const quiet = boolFlag(args, "quiet") || output === undefined;
    const progress = new ProgressPrinter({
      write: (text) => void ctx.err(text),
      tty: !quiet && ctx.io.isTTY.stderr,
      quiet,
      signatures: false,
    });
    const runtime = await ctx.openRuntime();
    const target = output ?? new WritableStream<Uint8Array>({
      write: async (chunk) => {
        await ctx.io.stdout(chunk);
      },
    });
    await runtime.save(names, {
      format: format as SaveFormat,
      output: target,
      ...(multi || rest.length === 0 ? {} : { additionalTags: rest }),
      compress: boolFlag(args, "compress"),
      uncompressed: boolFlag(args, "uncompressed"),
      onProgress: progress.onProgress,
    });
    // One image: its ID is its config digest, so the config line is labelled as podman does.
    const single = names.length === 1 ? await runtime.lookupImage(names[0]) : undefined;
    progress.finish(single === undefined ? undefined : `sha256:${single.image.id}`);
  },
};
