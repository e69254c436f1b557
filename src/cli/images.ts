/**
 * `stevedore images` (`image ls`, `image list`): lists local images like `podman images`.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import type { ImageSummary } from "../runtime/mod.ts";
import { boolFlag, expectArgs, FORMAT_FLAG, listFlag, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { formatRows, humanSize, timeAgo } from "./_format.ts";
import { displayId, splitRepoTag } from "./_names.ts";

const HEADERS = {
  ID: "IMAGE ID",
  Id: "IMAGE ID",
  Created: "CREATED",
  CreatedSince: "CREATED",
  CreatedAt: "CREATED AT",
  ReadOnly: "R/O",
};

const SORT_KEYS = ["created", "id", "repository", "size", "tag"];

/** The JSON object of one image, shaped like `podman images --format json`. */
export function imageJson(image: ImageSummary): Record<string, unknown> {
  const json: Record<string, unknown> = {
    Id: image.id,
    ParentId: image.parent,
    RepoTags: image.repoTags.length > 0 ? image.repoTags : null,
    RepoDigests: image.repoDigests,
    Size: image.size,
    SharedSize: 0,
    VirtualSize: image.size,
    Labels: Object.keys(image.labels).length > 0 ? image.labels : null,
    Containers: image.containers,
    ReadOnly: image.readOnly,
    Names: image.names,
    Digest: image.digest,
    History: image.namesHistory,
    Created: Math.floor(image.created.getTime() / 1000),
    CreatedAt: image.created.toISOString(),
  };
  if (image.dangling) json.Dangling = true;
  return json;
}

interface Row {
  image: ImageSummary;
  repository: string;
  tag: string;
}

function rowsOf(images: ImageSummary[]): Row[] {
  const rows: Row[] = [];
  for (const image of images) {
    const tagged = image.repoTags;
    if (tagged.length === 0) rows.push({ image, repository: "<none>", tag: "<none>" });
    for (const name of tagged) {
      const [repository, tag] = splitRepoTag(name);
      rows.push({ image, repository, tag });
    }
  }
  return rows;
}

function sortRows(rows: Row[], key: string): Row[] {
  const by: Record<string, (a: Row, b: Row) => number> = {
    created: (a, b) => b.image.created.getTime() - a.image.created.getTime(),
    id: (a, b) => a.image.id.localeCompare(b.image.id),
    repository: (a, b) => a.repository.localeCompare(b.repository),
    size: (a, b) => a.image.size - b.image.size,
    tag: (a, b) => a.tag.localeCompare(b.tag),
  };
  return rows.map((row, index) => ({ row, index }))
    .sort((a, b) => by[key](a.row, b.row) || a.index - b.index)
    .map(({ row }) => row);
}

/** The `images` command. */
export const command: Command = {
  name: "images",
  usage: "stevedore images [options] [IMAGE]",
  description: "List images in local storage.",
  aliases: ["image ls", "image list"],
  flags: {
    all: {
      type: "boolean",
      short: "a",
      help: "Show all images (default hides intermediate images)",
    },
    digests: { type: "boolean", help: "Show digests" },
    filter: {
      type: "string",
      short: "f",
      multiple: true,
      help: "Filter output based on conditions provided (key=value)",
      valueName: "filter",
    },
    format: FORMAT_FLAG,
    noheading: { type: "boolean", short: "n", help: "Do not print column headings" },
    "no-trunc": { type: "boolean", help: "Do not truncate output" },
    quiet: { type: "boolean", short: "q", help: "Display only image IDs" },
    sort: {
      type: "string",
      help: "Sort by created, id, repository, size or tag",
      valueName: "key",
    },
  },
  async run(ctx, args) {
    expectArgs("images", args.positionals, 0, 1);
    const sort = stringFlag(args, "sort") ?? "created";
    if (!SORT_KEYS.includes(sort)) {
      throw new UsageError(
        `--sort=${sort}`,
        `invalid option, must be one of ${SORT_KEYS.join(", ")}`,
      );
    }
    const filters = listFlag(args, "filter");
    if (args.positionals.length === 1) filters.push(`reference=${args.positionals[0]}`);
    if (!boolFlag(args, "all")) filters.push("intermediate=false");
    const format = stringFlag(args, "format");
    const quiet = boolFlag(args, "quiet");
    const noTrunc = boolFlag(args, "no-trunc");
    const runtime = await ctx.openRuntime();
    const images = await runtime.listImages({ filters, listData: format !== undefined });
    if (quiet) {
      const seen = new Set<string>();
      let text = "";
      for (const row of sortRows(rowsOf(images), sort)) {
        if (seen.has(row.image.id)) continue;
        seen.add(row.image.id);
        text += displayId(row.image.id, noTrunc) + "\n";
      }
      await ctx.out(text);
      return;
    }
    if (format === "json") {
      const sorted = sortRows(images.map((image) => ({ image, repository: "", tag: "" })), sort);
      await ctx.out(formatRows(sorted.map((r) => r.image), "json", imageJson, {
        defaultFormat: "",
      }));
      return;
    }
    const now = ctx.now();
    const digests = boolFlag(args, "digests");
    const defaultFormat = digests
      ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.Created}}\t{{.Size}}"
      : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.Created}}\t{{.Size}}";
    const rows = sortRows(rowsOf(images), sort).map(({ image, repository, tag }) => ({
      ...imageJson(image),
      ID: displayId(image.id, noTrunc),
      Repository: repository,
      Tag: tag,
      Created: timeAgo(image.created, now),
      CreatedSince: timeAgo(image.created, now),
      CreatedAt: image.created.toISOString(),
      CreatedTime: image.created.toISOString(),
      Size: humanSize(image.size),
      Dangling: image.dangling,
      IsReadOnly: image.readOnly,
    }));
    await ctx.out(formatRows(rows, format, (row) => row, {
      defaultFormat,
      headers: HEADERS,
      noHeading: boolFlag(args, "noheading"),
    }));
  },
};
