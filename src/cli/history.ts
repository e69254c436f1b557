/**
 * `stevedore history` (`image history`): the build history of an image like
 * `podman history`.
 *
 * @module
 */
import type { HistoryRow } from "../runtime/mod.ts";
import { boolFlag, expectArgs, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { formatRows, humanSize, timeAgo } from "./_format.ts";

function historyJson(row: HistoryRow): Record<string, unknown> {
  const json: Record<string, unknown> = { id: row.id };
  if (row.created) json.created = row.created.toISOString();
  if (row.createdBy) json.CreatedBy = row.createdBy;
  if (row.tags.length > 0) json.tags = row.tags;
  json.size = row.size;
  if (row.comment) json.comment = row.comment;
  return json;
}

/** The `history` command. */
export const command: Command = {
  name: "history",
  usage: "stevedore history [options] IMAGE",
  description: "Show the history of an image.",
  aliases: ["image history"],
  flags: {
    format: {
      type: "string",
      help: "Change the output to JSON or a Go template",
      valueName: "format",
    },
    human: {
      type: "boolean",
      short: "H",
      help: "Display sizes and dates in human readable format (default true)",
    },
    "no-trunc": { type: "boolean", help: "Do not truncate the output" },
    quiet: { type: "boolean", short: "q", help: "Display the numeric IDs only" },
  },
  async run(ctx, args) {
    expectArgs("history", args.positionals, 1, 1);
    const runtime = await ctx.openRuntime();
    const rows = await runtime.history(args.positionals[0]);
    const noTrunc = boolFlag(args, "no-trunc");
    if (boolFlag(args, "quiet")) {
      await ctx.out(rows.map((row) => (noTrunc ? row.id : row.id.slice(0, 12)) + "\n").join(""));
      return;
    }
    const human = boolFlag(args, "human", true);
    const now = ctx.now();
    const view = rows.map((row) => ({
      ...historyJson(row),
      ID: noTrunc || row.id === "<missing>" ? row.id : row.id.slice(0, 12),
      Created: row.created ? human ? timeAgo(row.created, now) : row.created.toISOString() : "",
      CreatedAt: row.created?.toISOString() ?? "",
      CreatedBy: !noTrunc && row.createdBy.length > 45
        ? row.createdBy.slice(0, 42) + "..."
        : row.createdBy,
      Size: human ? humanSize(row.size) : String(row.size),
      Comment: row.comment,
      Tags: row.tags,
    }));
    const format = stringFlag(args, "format");
    if (format === "json") {
      await ctx.out(JSON.stringify(rows.map(historyJson), null, 4) + "\n");
      return;
    }
    await ctx.out(formatRows(
      view,
      format,
      (row) => row,
      {
        defaultFormat: "table {{.ID}}\t{{.Created}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}",
        headers: { CreatedBy: "CREATED BY" },
      },
    ));
  },
};
