/**
 * `stevedore info`: the host, the store and the registries configuration, like
 * `podman info` (YAML-style text, JSON or a Go template).
 *
 * @module
 */
import { expectArgs, FORMAT_FLAG, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { parseTemplate } from "./_format.ts";
import { hostOsArch, VERSION } from "./version.ts";
import { runtimeParts } from "../runtime/mod.ts";

function yaml(value: unknown, indent = ""): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return " []\n";
    return "\n" + value.map((item) => `${indent}- ${scalar(item)}\n`).join("");
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (entries.length === 0) return " {}\n";
    return "\n" + entries.map(([key, item]) => `${indent}${key}:${yaml(item, indent + "  ")}`)
      .join("");
  }
  return ` ${scalar(value)}\n`;
}

function scalar(value: unknown): string {
  if (typeof value === "string") {
    return /^[\w./:@-]*$/.test(value) && value !== "" ? value : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

/** The `info` command. */
export const command: Command = {
  name: "info",
  usage: "stevedore info [options]",
  description: "Display information about the host, the image store and the registries.",
  flags: {
    format: { ...FORMAT_FLAG, short: "f" },
  },
  async run(ctx, args) {
    expectArgs("info", args.positionals, 0, 0);
    const runtime = await ctx.openRuntime();
    const images = await runtime.listImages({ listData: false });
    const conf = await runtimeParts(runtime).registriesConf();
    const platform = runtime.platform;
    const [os, arch] = hostOsArch().split("/");
    const data = {
      host: { os, arch, runtime: ctx.io.runtime },
      store: {
        graphRoot: ctx.root,
        imageStore: { number: images.length },
        registriesConf: ctx.registriesConf ?? "",
      },
      registries: {
        search: conf.unqualifiedSearchRegistries,
        insecure: conf.registries.filter((r) => r.insecure).map((r) => r.prefix),
        blocked: conf.registries.filter((r) => r.blocked).map((r) => r.prefix),
      },
      platform: {
        os: platform.os,
        architecture: platform.architecture,
        variant: platform.variant ?? "",
      },
      version: { Version: VERSION },
    };
    const format = stringFlag(args, "format");
    if (format === "json") await ctx.out(JSON.stringify(data, null, 4) + "\n");
    else if (format !== undefined) await ctx.out(parseTemplate(format).render(data) + "\n");
    else await ctx.out(yaml(data).replace(/^\n/, ""));
  },
};
