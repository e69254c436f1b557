/**
 * The command line's dispatcher: finds the subcommand, parses its flags, opens the
 * runtime on demand, runs it and turns failures into one `Error: …` line and an exit code.
 *
 * @module
 */
import { defaultStorageRoot } from "../config/storage_paths.ts";
import { currentUid, homeDirOf, nextTask } from "../fs/process.ts";
import type { ImageEvent } from "../events/mod.ts";
import type { Runtime, RuntimeOptions } from "../runtime/mod.ts";
import { GLOBAL_FLAGS, helpText, parseCommandArgs, stringFlag } from "./_args.ts";
import type { CommandContext } from "./_command.ts";
import { COMMANDS, GROUPS } from "./_commands.ts";
import { errorLine, EXIT_USAGE, exitCodeOf, UnknownFlagError, UsageError } from "./_errors.ts";
import type { CliIO } from "./_io.ts";
import { loadCliModule } from "./_modules.ts";

type RuntimeHost = typeof import("./_runtime_host.ts");
type PromptModule = typeof import("./_prompt.ts");
type ChoicePrompt = ReturnType<PromptModule["terminalPrompt"]>;

export type { CliIO } from "./_io.ts";

/** The program's name in messages. */
export const PROGRAM = "stevedore";

/** The command words and the remaining arguments. */
function splitCommand(args: string[]): { words: string[]; rest: string[] } {
  const words: string[] = [];
  const rest: string[] = [];
  for (let x = 0; x < args.length; x++) {
    const arg = args[x];
    if (arg === "--") {
      rest.push(...args.slice(x));
      break;
    }
    if (arg.startsWith("-")) {
      rest.push(arg);
      const name = arg.replace(/^--?/, "");
      if (GLOBAL_FLAGS[name]?.type === "string" && x + 1 < args.length) rest.push(args[++x]);
      continue;
    }
    const complete = words.length > 0 && !GROUPS.includes(words.join(" "));
    if (words.length === 3 || complete) {
      rest.push(arg);
      continue;
    }
    words.push(arg);
  }
  return { words, rest };
}

function topHelp(): string {
  const lines = [
    "Manage container images (pull, push, list, inspect, remove, save, load, ...).",
    "",
    "Usage:",
    `  ${PROGRAM} [options] COMMAND`,
    "",
    "Commands:",
  ];
  const names = Object.keys(COMMANDS).filter((name) => !name.startsWith("image "));
  const width = Math.max(...names.map((name) => name.length)) + 3;
  for (const name of names) lines.push(`  ${name.padEnd(width)}${COMMANDS[name].summary}`);
  lines.push("  image ...".padEnd(width + 2) + "The same, and ls, rm, prune, tree, exists");
  lines.push("", "Options:");
  for (const [name, spec] of Object.entries(GLOBAL_FLAGS)) {
    const flag = `  --${name}${spec.type === "string" ? ` ${spec.valueName ?? "string"}` : ""}`;
    lines.push(flag.padEnd(30) + spec.help);
  }
  lines.push("  --version".padEnd(30) + "Print the version");
  return lines.join("\n") + "\n";
}

function groupHelp(group: string): string {
  const lines = [`Usage:\n  ${PROGRAM} ${group} COMMAND\n`, "Commands:"];
  for (const [name, entry] of Object.entries(COMMANDS)) {
    if (name.startsWith(`${group} `)) {
      lines.push(`  ${name.slice(group.length + 1).padEnd(12)}${entry.summary}`);
    }
  }
  return lines.join("\n") + "\n";
}

function resolveRoot(io: CliIO, explicit: string | undefined): string {
  if (explicit) return explicit;
  if (io.env.STEVEDORE_ROOT) return io.env.STEVEDORE_ROOT;
  return defaultStorageRoot({ env: io.env, homeDir: homeDirOf(io.env), uid: currentUid() });
}

/**
 * Runs the command line `io.args` and resolves with the exit code.
 *
 * @example
 * ```ts ignore
 * const code = await main({ args: ["images"], env: {}, ...streams });
 * ```
 */
export async function main(io: CliIO): Promise<number> {
  const out = async (text: string) => await io.stdout(text);
  const err = async (text: string) => await io.stderr(text);
  const { words, rest } = splitCommand(io.args);
  if (words.length === 0) {
    if (rest.includes("--version") || rest.includes("-v")) words.push("version");
    else if (rest.includes("--help") || rest.includes("-h")) {
      await out(topHelp());
      return 0;
    } else {
      await err(topHelp());
      await err(errorLine(new UsageError(PROGRAM, "missing command")));
      return EXIT_USAGE;
    }
  }
  const key = words.join(" ");
  const entry = COMMANDS[key];
  if (!entry) {
    if (words.length === 1 && GROUPS.includes(words[0])) {
      if (rest.includes("--help") || rest.includes("-h")) {
        await out(groupHelp(words[0]));
        return 0;
      }
      await err(groupHelp(words[0]));
      await err(errorLine(new UsageError(`${PROGRAM} ${key}`, "missing command")));
      return EXIT_USAGE;
    }
    await err(errorLine(new UsageError(`${PROGRAM} ${key}`, "unrecognized command")));
    return EXIT_USAGE;
  }
  const collected: ImageEvent[] = [];
  const abort = new AbortController();
  let collector: Promise<void> | undefined;
  let runtime: Runtime | undefined;
  let host: RuntimeHost | undefined;
  let prompt: ChoicePrompt | undefined;
  let root = "";
  try {
    const command = await entry.load();
    const parsed = parseCommandArgs(rest, command.flags);
    if (parsed.values.help === true) {
      await out(helpText(command.usage, command.description, command.flags, command.aliases));
      return 0;
    }
    root = resolveRoot(io, stringFlag(parsed, "root"));
    const registriesConf = stringFlag(parsed, "registries-conf");
    const registriesConfDir = stringFlag(parsed, "registries-conf-dir");
    const ctx: CommandContext = {
      io,
      root,
      openRuntime: async (options: Partial<RuntimeOptions> = {}) => {
        if (runtime) return runtime;
        host ??= await loadCliModule<RuntimeHost>("_runtime_host");
        const opened = await host.openHostRuntime({
          root,
          env: io.env,
          warn: (message) => void io.stderr(`WARNING: ${message}\n`),
          // Asked, and the prompt's code loaded, only when a short name needs a prompt.
          isTTY: () => io.isTTY.stdin && io.isTTY.stdout,
          prompt: async (message, choices) => {
            prompt ??= (await loadCliModule<PromptModule>("_prompt")).terminalPrompt(io);
            return await prompt(message, choices);
          },
          ...(registriesConf === undefined ? {} : { registriesConf }),
          ...(registriesConfDir === undefined ? {} : { registriesConfDir }),
          ...(io.cwd === undefined ? {} : { cwd: io.cwd }),
          ...options,
        });
        runtime = opened;
        const iterator = opened.events(abort.signal);
        collector = (async () => {
          for await (const event of iterator) collected.push(event);
        })().catch(() => {});
        return opened;
      },
      out,
      err,
      now: () => new Date(),
    };
    if (registriesConf !== undefined) ctx.registriesConf = registriesConf;
    if (registriesConfDir !== undefined) ctx.registriesConfDir = registriesConfDir;
    return (await command.run(ctx, parsed)) ?? 0;
  } catch (error) {
    await err(errorLine(error));
    if (error instanceof UnknownFlagError) await err(`See '${PROGRAM} ${key} --help'\n`);
    return exitCodeOf(error);
  } finally {
    if (collector) {
      await nextTask();
      abort.abort();
      await collector;
      if (collected.length > 0) {
        await host?.logEvents(root, collected).catch(() => {});
      }
    }
  }
}
