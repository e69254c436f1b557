/**
 * `stevedore push`: pushes a local image like `podman push`, with progress on standard
 * error.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import type { PushOptions } from "../runtime/mod.ts";
import { boolFlag, durationFlag, expectArgs, intFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { ProgressPrinter } from "./_progress.ts";
import {
  compressionLevelFlag,
  timeoutFlags,
  timeoutOptions,
  transferFlags,
  transferOptions,
} from "./_transfer.ts";
import { policyFlags, policyOptions, signingFlags, signingOptions } from "./_trust_flags.ts";
import { chunkSizeFlags, chunkSizeOption } from "./_chunk_size.ts";

const MANIFEST_TYPES: Record<string, string> = {
  oci: "application/vnd.oci.image.manifest.v1+json",
  v2s2: "application/vnd.docker.distribution.manifest.v2+json",
  v2s1: "application/vnd.docker.distribution.manifest.v1+prettyjws",
};

/** The `push` command. */
export const command: Command = {
  name: "push",
  usage: "stevedore push [options] IMAGE [DESTINATION]",
  description: "Push an image from local storage to a registry (or another transport).",
  aliases: ["image push"],
  flags: {
    ...transferFlags,
    ...timeoutFlags,
    ...policyFlags,
    ...signingFlags,
    ...chunkSizeFlags,
    "compression-format": {
      type: "string",
      help: "Compression format for the layers (gzip or zstd)",
      valueName: "format",
    },
    "compression-level": {
      type: "string",
      help: "gzip level (0-9) of the layers the push compresses",
      valueName: "level",
    },
    format: {
      type: "string",
      short: "f",
      help: "Manifest type (oci, v2s2, v2s1)",
      valueName: "format",
    },
    "digestfile": {
      type: "string",
      help: "Write the digest of the pushed image to this file",
      valueName: "path",
    },
    quiet: { type: "boolean", short: "q", help: "Suppress output information when pushing images" },
  },
  async run(ctx, args) {
    expectArgs("push", args.positionals, 1, 2);
    const quiet = boolFlag(args, "quiet");
    const progress = new ProgressPrinter({
      write: (text) => void ctx.err(text),
      tty: !quiet && ctx.io.isTTY.stderr,
      quiet,
    });
    const options: PushOptions = {
      ...transferOptions(args),
      ...timeoutOptions(args),
      onProgress: progress.onProgress,
    };
    const compression = stringFlag(args, "compression-format");
    if (compression !== undefined) {
      if (compression !== "gzip" && compression !== "zstd") {
        throw new UsageError(`--compression-format=${compression}`, "must be gzip or zstd");
      }
      options.compressionFormat = compression;
    }
    const level = compressionLevelFlag(args, "compression-level");
    if (level !== undefined) options.compressionLevel = level;
    const format = stringFlag(args, "format");
    if (format !== undefined) {
      if (!(format in MANIFEST_TYPES)) {
        throw new UsageError(`--format=${format}`, "must be oci, v2s2 or v2s1");
      }
      options.manifestType = MANIFEST_TYPES[format];
    }
    const chunkSize = chunkSizeOption(args);
    if (chunkSize !== undefined) options.chunkSize = chunkSize;
    const retries = intFlag(args, "retry");
    if (retries !== undefined) options.retries = retries;
    const delay = durationFlag(args, "retry-delay");
    if (delay !== undefined) options.retryDelayMs = delay;
    Object.assign(options, await signingOptions(args, ctx.io.env));
    const runtime = await ctx.openRuntime(policyOptions(args));
    const [source, destination = ""] = args.positionals;
    const { image } = await runtime.lookupImage(source);
    const digest = await runtime.push(source, destination, options);
    progress.finish(`sha256:${image.id}`);
    const digestFile = stringFlag(args, "digestfile");
    if (digestFile !== undefined) {
      const { hostFileSystem } = await import("../fs/mod.ts");
      await hostFileSystem().writeFile(digestFile, digest);
    }
  },
};
