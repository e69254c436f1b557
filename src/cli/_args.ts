/**
 * Flag parsing for every subcommand on top of `parseArgv` (`node:util`'s `parseArgs`
 * rules): Podman-style `--flag=false` for booleans, repeatable flags, the global flags, and
 * `--help` text.
 *
 * @module
 */
import { type ArgvOption, parseArgv } from "./_argv.ts";
import { UnknownFlagError, UsageError } from "./_errors.ts";

/** One flag of a command. */
export interface FlagSpec {
  /** `string` takes a value, `boolean` does not (but accepts `=true`/`=false`). */
  type: "string" | "boolean";
  /** A one-letter alias. */
  short?: string;
  /** May be given several times (values collected in order). @default false */
  multiple?: boolean;
  /** What the flag does, for `--help`. */
  help: string;
  /** The value's placeholder in `--help`. @default "string" */
  valueName?: string;
}

/** The flags of a command, by long name. */
export type FlagSpecs = Record<string, FlagSpec>;

/** What a command line parsed into. */
export interface ParsedArgs {
  /** Flag values: strings, booleans, or arrays for repeatable flags. */
  values: Record<string, string | boolean | string[] | undefined>;
  /** The positional arguments. */
  positionals: string[];
}

/** The flags every command accepts. */
/** The `--format` flag shared by the listing commands (JSON or a Go template). */
export const FORMAT_FLAG: FlagSpec = {
  type: "string",
  help: "Change the output format to JSON or a Go template",
  valueName: "format",
};

export const GLOBAL_FLAGS: FlagSpecs = {
  root: { type: "string", help: "Path to the image store", valueName: "path" },
  "registries-conf": {
    type: "string",
    help: "Path to a registries.conf to use instead of the default files",
    valueName: "path",
  },
  "registries-conf-dir": {
    type: "string",
    help: 'Read registries.conf drop-ins from this folder only ("" for none)',
    valueName: "path",
  },
  "log-level": {
    type: "string",
    help: "Log messages at and above this level (debug, info, warn, error)",
    valueName: "level",
  },
  help: { type: "boolean", short: "h", help: "Show help for the command" },
};

const LOG_LEVELS = ["trace", "debug", "info", "warn", "warning", "error", "fatal", "panic"];

function parseBool(flag: string, value: string): boolean {
  if (/^(true|1|t)$/i.test(value)) return true;
  if (/^(false|0|f)$/i.test(value)) return false;
  throw new UsageError(`--${flag}=${value}`, `invalid boolean value "${value}"`);
}

/**
 * Parses `args` against `flags` (plus the global flags).
 *
 * @throws {UsageError} for an unknown flag, a missing value or a bad boolean.
 */
export function parseCommandArgs(args: string[], flags: FlagSpecs): ParsedArgs {
  const specs: FlagSpecs = { ...GLOBAL_FLAGS, ...flags };
  const shorts = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.short) shorts.set(spec.short, name);
  const explicit: Record<string, boolean> = {};
  const rewritten: string[] = [];
  let rest = false;
  for (const arg of args) {
    if (rest || arg === "--") {
      rest = true;
      rewritten.push(arg);
      continue;
    }
    const match = /^--([^=]+)=(.*)$/s.exec(arg);
    if (match && specs[match[1]]?.type === "boolean") {
      explicit[match[1]] = parseBool(match[1], match[2]);
      continue;
    }
    rewritten.push(arg);
  }
  const options: Record<string, ArgvOption> = {};
  for (const [name, spec] of Object.entries(specs)) {
    options[name] = { type: spec.type, multiple: spec.multiple ?? false };
    if (spec.short) options[name].short = spec.short;
  }
  let parsed;
  try {
    parsed = parseArgv(rewritten, options);
  } catch (error) {
    throw usageFromParseError(error, args);
  }
  const values = parsed.values as ParsedArgs["values"];
  for (const [name, value] of Object.entries(explicit)) values[name] = value;
  const level = values["log-level"];
  if (typeof level === "string" && !LOG_LEVELS.includes(level.toLowerCase())) {
    throw new UsageError(`--log-level=${level}`, `invalid log level "${level}"`);
  }
  return { values, positionals: parsed.positionals };
}

function usageFromParseError(error: unknown, args: string[]): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const quoted = /'([^']+)'/.exec(message)?.[1] ?? /"([^"]+)"/.exec(message)?.[1];
  const flag = quoted?.split(/[ ,]/)[0] ?? args.join(" ");
  const code = (error as { code?: string }).code;
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    return new UnknownFlagError(flag);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return new UsageError(
      flag,
      message.includes("argument missing") ? "flag needs an argument" : message.replace(/\.$/, ""),
    );
  }
  return new UsageError(flag, message.replace(/\.$/, ""));
}

/** A flag's value as a string (the last one if repeated), or `undefined`. */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const value = parsed.values[name];
  if (Array.isArray(value)) return value.at(-1);
  return typeof value === "string" ? value : undefined;
}

/** A repeatable flag's values (empty when absent). */
export function listFlag(parsed: ParsedArgs, name: string): string[] {
  const value = parsed.values[name];
  if (Array.isArray(value)) return value;
  return typeof value === "string" ? [value] : [];
}

/** A boolean flag's value, or `fallback` when absent. */
export function boolFlag(parsed: ParsedArgs, name: string, fallback = false): boolean {
  const value = parsed.values[name];
  return typeof value === "boolean" ? value : fallback;
}

/** A non-negative integer flag, or `undefined`. @throws {UsageError} for a bad value. */
export function intFlag(parsed: ParsedArgs, name: string): number | undefined {
  const value = stringFlag(parsed, name);
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) {
    throw new UsageError(`--${name}=${value}`, `invalid integer value "${value}"`);
  }
  return Number(value);
}

const SIZE_UNITS: Record<string, number> = {
  "": 1,
  k: 1024,
  m: 1024 ** 2,
  g: 1024 ** 3,
  t: 1024 ** 4,
};

/**
 * A positive byte-size flag (`1048576`, `512k`, `64M`, `2GiB`, `1T`; binary units), or
 * `undefined`. @throws {UsageError} for a bad value.
 */
export function sizeFlag(parsed: ParsedArgs, name: string): number | undefined {
  const value = stringFlag(parsed, name);
  if (value === undefined) return undefined;
  const match = /^(\d+)\s*([kmgt]?)(?:i?b)?$/i.exec(value);
  const bytes = match ? Number(match[1]) * SIZE_UNITS[match[2].toLowerCase()] : 0;
  if (!(bytes > 0) || !Number.isSafeInteger(bytes)) {
    throw new UsageError(`--${name}=${value}`, `invalid size "${value}"`);
  }
  return bytes;
}

/** A Go-style duration flag (`10s`, `1m30s`, `500ms`) in milliseconds, or `undefined`. */
export function durationFlag(parsed: ParsedArgs, name: string): number | undefined {
  const value = stringFlag(parsed, name);
  if (value === undefined) return undefined;
  const ms = parseDuration(value);
  if (ms === undefined) {
    throw new UsageError(`--${name}=${value}`, `invalid duration "${value}"`);
  }
  return ms;
}

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/** A Go duration string in milliseconds, or `undefined` when it does not parse. */
export function parseDuration(text: string): number | undefined {
  if (text === "0") return 0;
  const pattern = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let end = 0;
  for (const match of text.matchAll(pattern)) {
    total += Number(match[1]) * UNIT_MS[match[2]];
    end = match.index! + match[0].length;
  }
  return end === text.length && end > 0 ? total : undefined;
}

/**
 * Checks the number of positional arguments.
 *
 * @throws {UsageError} when there are fewer than `min` or more than `max`.
 */
export function expectArgs(
  command: string,
  positionals: string[],
  min: number,
  max = Infinity,
): void {
  if (positionals.length < min) {
    const what = min === 1 ? "1 argument" : `${min} arguments`;
    throw new UsageError(command, `requires at least ${what}`);
  }
  if (positionals.length > max) {
    const what = max === 0 ? "no arguments" : max === 1 ? "1 argument" : `${max} arguments`;
    throw new UsageError(command, `accepts at most ${what}, got ${positionals.length}`);
  }
}

/** The `--help` text of a command. */
export function helpText(
  usage: string,
  description: string,
  flags: FlagSpecs,
  aliases: string[] = [],
): string {
  const lines = [description, "", "Usage:", `  ${usage}`, ""];
  if (aliases.length > 0) lines.push("Aliases:", `  ${aliases.join(", ")}`, "");
  const rows = Object.entries({ ...flags, ...GLOBAL_FLAGS }).map(([name, spec]) => {
    const short = spec.short ? `-${spec.short}, ` : "    ";
    const value = spec.type === "string" ? ` ${spec.valueName ?? "string"}` : "";
    return [`  ${short}--${name}${value}`, spec.help];
  });
  const width = Math.max(...rows.map(([left]) => left.length)) + 3;
  lines.push("Options:");
  for (const [left, help] of rows) lines.push(left.padEnd(width) + help);
  return lines.join("\n") + "\n";
}
