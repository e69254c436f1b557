/**
 * What a subcommand is and what it gets to run: the injected process, the global flags
 * and a way to open the {@linkcode Runtime}.
 *
 * @module
 */
import type { Runtime, RuntimeOptions } from "../runtime/mod.ts";
import type { FlagSpecs, ParsedArgs } from "./_args.ts";
import type { CliIO } from "./_io.ts";

/** One subcommand. */
export interface Command {
  /** The full command name, e.g. `manifest create`. */
  name: string;
  /** The usage line, e.g. `stevedore pull [options] IMAGE [IMAGE...]`. */
  usage: string;
  /** What it does, one or two sentences. */
  description: string;
  /** Other names it can be called by. @default [] */
  aliases?: string[];
  /** Its flags (the global flags come on top). */
  flags: FlagSpecs;
  /** Runs it; resolves with the exit code (0 when nothing is returned). */
  run(ctx: CommandContext, args: ParsedArgs): Promise<number | void>;
}

/** What a running command gets. */
export interface CommandContext {
  /** The process. */
  io: CliIO;
  /** The store root in use. */
  root: string;
  /** The registries.conf given with `--registries-conf`, if any. */
  registriesConf?: string;
  /** The drop-in folder given with `--registries-conf-dir`, if any. */
  registriesConfDir?: string;
  /** Opens the runtime (once; later calls give the same one). */
  openRuntime(options?: Partial<RuntimeOptions>): Promise<Runtime>;
  /** Writes to standard output. */
  out(text: string): Promise<void>;
  /** Writes to standard error. */
  err(text: string): Promise<void>;
  /** The current time. */
  now(): Date;
}
