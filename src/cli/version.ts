/**
 * `stevedore version`: the version of stevedore and of the JavaScript runtime.
 *
 * @module
 */
import { hostMachine } from "../fs/process.ts";
import { expectArgs, FORMAT_FLAG, stringFlag } from "./_args.ts";
import type { Command } from "./_command.ts";
import { parseTemplate } from "./_format.ts";

/** stevedore's version. */
export const VERSION = "0.1.0";

const ARCHES: Record<string, string> = { x64: "amd64", ia32: "386", arm64: "arm64", arm: "arm" };

/** The host as `os/arch` in OCI terms. */
export function hostOsArch(): string {
  const { platform, arch } = hostMachine() ?? { platform: "linux", arch: "x64" };
  return `${platform}/${ARCHES[arch] ?? arch}`;
}

/** The `version` command. */
export const command: Command = {
  name: "version",
  usage: "stevedore version [options]",
  description: "Display the stevedore version information.",
  flags: {
    format: { ...FORMAT_FLAG, short: "f" },
  },
  async run(ctx, args) {
    expectArgs("version", args.positionals, 0, 0);
    const client = {
      Version: VERSION,
      APIVersion: VERSION,
      Runtime: ctx.io.runtime,
      OsArch: hostOsArch(),
    };
    const format = stringFlag(args, "format");
    if (format === "json") {
      await ctx.out(JSON.stringify({ Client: client }, null, 4) + "\n");
    } else if (format !== undefined) {
      await ctx.out(parseTemplate(format).render({ Client: client }) + "\n");
    } else {
      await ctx.out(
        `Client:       stevedore\nVersion:      ${VERSION}\nAPI Version:  ${VERSION}\n` +
          `Runtime:      ${ctx.io.runtime}\nOS/Arch:      ${client.OsArch}\n`,
      );
    }
  },
};
