/**
 * `stevedore search` (`image search`): searches registries like `podman search`.
 *
 * @module
 */
import type { ImageSearchResult, SearchOptions } from "../runtime/mod.ts";
import { boolFlag, expectArgs, FORMAT_FLAG, intFlag, listFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { formatRows } from "./_format.ts";
import { certDirFlag, timeoutFlags, timeoutOptions, transferOptions } from "./_transfer.ts";

/** The `search` command. */
export const command: Command = {
  name: "search",
  usage: "stevedore search [options] TERM",
  description: "Search registries for images (or, with --list-tags, list a repository's tags).",
  aliases: ["image search"],
  flags: {
    authfile: { type: "string", help: "Path of the authentication file", valueName: "path" },
    creds: {
      type: "string",
      help: "Use USERNAME[:PASSWORD] for accessing the registry",
      valueName: "credentials",
    },
    "tls-verify": { type: "boolean", help: "Require HTTPS and verify certificates (default true)" },
    "cert-dir": certDirFlag,
    filter: {
      type: "string",
      short: "f",
      multiple: true,
      help: "Filter output (stars, is-official, is-automated)",
      valueName: "filter",
    },
    format: FORMAT_FLAG,
    limit: { type: "string", help: "Limit the number of results", valueName: "int" },
    "list-tags": { type: "boolean", help: "List the tags of the input registry" },
    "no-trunc": { type: "boolean", help: "Do not truncate the output" },
    ...timeoutFlags,
  },
  async run(ctx, args) {
    expectArgs("search", args.positionals, 1, 1);
    const listTags = boolFlag(args, "list-tags");
    const options: SearchOptions = {
      ...transferOptions(args),
      ...timeoutOptions(args),
      filters: listFlag(args, "filter"),
      listTags,
      noTrunc: boolFlag(args, "no-trunc"),
    };
    const limit = intFlag(args, "limit");
    if (limit !== undefined) options.limit = limit;
    const runtime = await ctx.openRuntime();
    const results = await runtime.search(args.positionals[0], options);
    // Podman prints nothing at all, not even the header, when nothing was found.
    if (results.length === 0) return;
    await ctx.out(formatRows<ImageSearchResult>(results, stringFlag(args, "format"), (r) => r, {
      defaultFormat: listTags ? "table {{.Name}}\t{{.Tag}}" : "table {{.Name}}\t{{.Description}}",
    }));
  },
};
