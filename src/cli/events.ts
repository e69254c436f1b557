/**
 * `stevedore events`: the image events recorded by earlier commands of this store, like
 * `podman events` (following new ones unless `--stream=false`).
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import type { ImageEvent } from "../events/mod.ts";
import { hostFileSystem } from "../fs/mod.ts";
import { boolFlag, expectArgs, listFlag, parseDuration, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { readEvents } from "./_event_file.ts";
import { parseTemplate } from "./_format.ts";

function parseTime(flag: string, text: string, now: Date): number {
  const ago = parseDuration(text);
  if (ago !== undefined) return now.getTime() - ago;
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const time = Date.parse(text);
  if (Number.isNaN(time)) throw new UsageError(`--${flag}=${text}`, "invalid time");
  return time;
}

function goTime(time: Date): string {
  const iso = time.toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}000000 +0000 UTC`;
}

/** The JSON object of an event, shaped like `podman events --format json`. */
function eventJson(event: ImageEvent): Record<string, unknown> {
  const json: Record<string, unknown> = {
    ID: event.id,
    Name: event.name,
    Status: event.type,
    Time: event.time.toISOString(),
    Type: "image",
    time: Math.floor(event.time.getTime() / 1000),
    timeNano: event.time.getTime() * 1_000_000,
  };
  if (event.error) json.Error = event.error;
  return json;
}

type Filter = (event: ImageEvent) => boolean;

function compileFilters(filters: string[]): Filter[] {
  const byKey = new Map<string, string[]>();
  for (const filter of filters) {
    const eq = filter.indexOf("=");
    if (eq <= 0) throw new UsageError(filter, "filter must be key=value");
    const key = filter.slice(0, eq);
    if (!["type", "event", "image", "id"].includes(key)) {
      throw new UsageError(filter, `unsupported filter key "${key}"`);
    }
    byKey.set(key, [...byKey.get(key) ?? [], filter.slice(eq + 1)]);
  }
  const out: Filter[] = [];
  for (const [key, values] of byKey) {
    if (key === "type") out.push(() => values.includes("image"));
    if (key === "event") out.push((e) => values.includes(e.type));
    if (key === "id") out.push((e) => values.some((v) => e.id.startsWith(v)));
    if (key === "image") {
      out.push((e) => values.some((v) => e.name === v || e.id.startsWith(v) || e.name.includes(v)));
    }
  }
  return out;
}

/** The `events` command. */
export const command: Command = {
  name: "events",
  usage: "stevedore events [options]",
  description: "Monitor image events recorded for the store.",
  flags: {
    filter: {
      type: "string",
      short: "f",
      multiple: true,
      help: "Filter output (type, event, image, id)",
      valueName: "filter",
    },
    format: {
      type: "string",
      help: "Format the output using a Go template or json",
      valueName: "format",
    },
    since: { type: "string", help: "Show all events created since timestamp", valueName: "time" },
    until: { type: "string", help: "Show all events created until timestamp", valueName: "time" },
    stream: {
      type: "boolean",
      help: "Stream events and do not exit after reading the log (default true)",
    },
  },
  async run(ctx, args) {
    expectArgs("events", args.positionals, 0, 0);
    const now = ctx.now();
    const since = stringFlag(args, "since");
    const until = stringFlag(args, "until");
    const from = since === undefined ? -Infinity : parseTime("since", since, now);
    const to = until === undefined ? Infinity : parseTime("until", until, now);
    const filters = compileFilters(listFlag(args, "filter"));
    const format = stringFlag(args, "format");
    const template = format === undefined || format === "json" ? undefined : parseTemplate(format);
    const stream = boolFlag(args, "stream", true) && until === undefined;
    const print = async (events: ImageEvent[]) => {
      let text = "";
      for (const event of events) {
        const t = event.time.getTime();
        if (t < from || t > to || !filters.every((f) => f(event))) continue;
        if (format === "json") text += JSON.stringify(eventJson(event)) + "\n";
        else if (template) text += template.render(eventJson(event)) + "\n";
        else text += `${goTime(event.time)} image ${event.type} ${event.id} ${event.name}\n`;
      }
      if (text) await ctx.out(text);
    };
    const fs = hostFileSystem();
    const seen = new Set<string>();
    await print(await readEvents(fs, ctx.root, seen));
    if (!stream) return;
    let stopped = false;
    const remove = ctx.io.onSignal?.(() => stopped = true);
    try {
      while (!stopped) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        await print(await readEvents(fs, ctx.root, seen));
      }
    } finally {
      remove?.();
    }
  },
};
