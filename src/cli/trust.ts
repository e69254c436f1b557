/**
 * `stevedore image trust show|set`: podman's view and editor of the signature policy.
 *
 * @module
 */
import { UsageError } from "./_errors.ts";
import { exists, hostFileSystem } from "../fs/mod.ts";
import { currentUid, homeDirOf } from "../fs/process.ts";
import { loadRegistriesD, registriesDDir } from "../config/registries_d.ts";
import { ACCEPT_ANYTHING_POLICY, loadSignaturePolicy, policyPaths } from "../trust/mod.ts";
import { setTrust, type TrustType } from "../trust/set_trust.ts";
import { trustEntries } from "../trust/trust_entries.ts";
import { boolFlag, expectArgs, listFlag, stringFlag } from "./_args.ts";
import type { Command, CommandContext } from "./_command.ts";
import { alignColumns } from "./_format.ts";

function home(ctx: CommandContext): string {
  return homeDirOf(ctx.io.env);
}

/** The policy file to read or edit: `--policypath`, else the user's, else the system's. */
async function policyPath(ctx: CommandContext, explicit: string | undefined): Promise<string> {
  const [user, system] = policyPaths(home(ctx), explicit);
  if (explicit !== undefined) return user;
  return await exists(hostFileSystem(), user) ? user : system;
}

const show: Command = {
  name: "image trust show",
  usage: "stevedore image trust show [options] [REGISTRY]",
  description: "Display the trust policy (containers-policy.json).",
  flags: {
    policypath: { type: "string", help: "Path of the policy file", valueName: "path" },
    "registries.d": { type: "string", help: "Directory of registries.d files", valueName: "dir" },
    json: { type: "boolean", short: "j", help: "Output as JSON" },
    raw: { type: "boolean", help: "Output the raw policy file" },
    noheading: { type: "boolean", short: "n", help: "Do not print column headings" },
  },
  async run(ctx, args) {
    expectArgs("image trust show", args.positionals, 0, 1);
    const fs = hostFileSystem();
    const path = await policyPath(ctx, stringFlag(args, "policypath"));
    if (boolFlag(args, "raw")) {
      await ctx.out(await fs.readTextFile(path));
      return;
    }
    const missing = stringFlag(args, "policypath") === undefined && !(await exists(fs, path));
    const policy = missing
      ? ACCEPT_ANYTHING_POLICY
      : await loadSignaturePolicy({ fs, homeDir: home(ctx) }, path) ?? ACCEPT_ANYTHING_POLICY;
    const registriesD = await loadRegistriesD({
      fs,
      dir: stringFlag(args, "registries.d"),
      homeDir: home(ctx),
    });
    let rows = await trustEntries(policy, registriesD, {
      fs,
      homeDir: home(ctx),
      uid: currentUid(),
    });
    const [filter] = args.positionals;
    if (filter !== undefined) rows = rows.filter((row) => row.name === filter);
    if (boolFlag(args, "json")) {
      await ctx.out(JSON.stringify(rows, null, 4) + "\n");
      return;
    }
    const lines = rows.map((row) =>
      [row.transport, row.name, row.type, row.gpg_id ?? "", row.sigstore ?? ""].join("\t")
    );
    if (!boolFlag(args, "noheading")) lines.unshift("TRANSPORT\tNAME\tTYPE\tID\tSTORE");
    await ctx.out(alignColumns(lines).map((l) => l.trimEnd() + "\n").join(""));
  },
};

const TYPES: Record<string, TrustType> = {
  accept: "accept",
  reject: "reject",
  signedBy: "signedBy",
  sigstoreSigned: "sigstoreSigned",
};

const set: Command = {
  name: "image trust set",
  usage: "stevedore image trust set [options] REGISTRY",
  description: "Set the trust policy of a registry, namespace or repository (or default).",
  flags: {
    policypath: { type: "string", help: "Path of the policy file", valueName: "path" },
    type: {
      type: "string",
      short: "t",
      help: "accept, reject, signedBy or sigstoreSigned (default signedBy)",
      valueName: "type",
    },
    pubkeysfile: {
      type: "string",
      short: "f",
      multiple: true,
      help: "Path of a public key to trust (may be repeated)",
      valueName: "path",
    },
    "registries.d": {
      type: "string",
      help: "Directory of registries.d files (sigstoreSigned enables sigstore attachments there)",
      valueName: "dir",
    },
  },
  async run(ctx, args) {
    expectArgs("image trust set", args.positionals, 1, 1);
    const typeName = stringFlag(args, "type") ?? "signedBy";
    const type = TYPES[typeName];
    if (type === undefined) {
      throw new UsageError(
        `--type=${typeName}`,
        "must be accept, reject, signedBy or sigstoreSigned",
      );
    }
    const path = await policyPath(ctx, stringFlag(args, "policypath"));
    const fs = hostFileSystem();
    const registriesDir = type === "sigstoreSigned"
      ? await registriesDDir({ fs, dir: stringFlag(args, "registries.d"), homeDir: home(ctx) })
      : undefined;
    await setTrust(fs, path, args.positionals[0], {
      type,
      publicKeyFiles: listFlag(args, "pubkeysfile"),
      ...(registriesDir === undefined ? {} : { registriesDir }),
    });
  },
};

/** The `image trust` commands. */
export const commands: Record<string, Command> = { show, set };
