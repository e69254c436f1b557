/**
 * Command-line tokens to option values and positionals with the results of `node:util`'s
 * `parseArgs` in strict mode with positionals allowed: the same tokenizing (`-abc` groups,
 * `-fVALUE`, `--name=value`, a string option taking the next argument, `--` ending the
 * options), the same values, and the same error codes and messages. It is written here
 * because `node:util` is built by Deno's Node compatibility layer on first use (~6 ms of
 * a ~40 ms `stevedore version`); tests/cli/argv_test.ts holds it against Node's.
 *
 * @module
 */

/** One option: its type, a one-letter alias, and whether it may repeat. */
export interface ArgvOption {
  /** `string` takes a value; `boolean` takes none. */
  type: "string" | "boolean";
  /** A one-character alias. */
  short?: string;
  /** Values are collected into an array. @default false */
  multiple?: boolean;
}

/** Option values by long name, and the positional arguments in order. */
export interface ParsedArgv {
  /** Option values (`true` for a boolean given); arrays for repeatable options. */
  values: Record<string, string | boolean | (string | boolean)[]>;
  /** The positional arguments. */
  positionals: string[];
}

/** The code of an {@linkcode ArgvError}, as `node:util`'s. */
export type ArgvErrorCode = "ERR_PARSE_ARGS_UNKNOWN_OPTION" | "ERR_PARSE_ARGS_INVALID_OPTION_VALUE";

/** A command line that does not fit its options (a `TypeError` with a code, like Node's). */
export class ArgvError extends TypeError {
  /** What is wrong. */
  readonly code: ArgvErrorCode;

  /** An error with `code` and `message`. */
  constructor(code: ArgvErrorCode, message: string) {
    super(message);
    this.name = "TypeError";
    this.code = code;
  }
}

interface OptionToken {
  /** The long name (or the letter of an unknown short option). */
  name: string;
  /** The option as written: `--name`, `-n`. */
  rawName: string;
  /** The value given with it, if any. */
  value: string | undefined;
  /** Whether the value was in the same argument (`--name=value`, `-nvalue`). */
  inline: boolean;
}

type Token = OptionToken | { positional: string };

function unknownOption(rawName: string): ArgvError {
  return new ArgvError(
    "ERR_PARSE_ARGS_UNKNOWN_OPTION",
    `Unknown option '${rawName}'. To specify a positional argument starting with a '-', ` +
      `place it at the end of the command after '--', as in '-- ${JSON.stringify(rawName)}`,
  );
}

function invalidValue(message: string): ArgvError {
  return new ArgvError("ERR_PARSE_ARGS_INVALID_OPTION_VALUE", message);
}

/** Splits `args` into option and positional tokens (no checks yet). */
function tokenize(
  args: readonly string[],
  typeOf: (name: string) => string | undefined,
  longOf: (short: string) => string,
): Token[] {
  const tokens: Token[] = [];
  const queue = [...args];
  // The value of a string option given alone: the next argument, whatever it looks like.
  const nextValue = (name: string) => typeOf(name) === "string" ? queue.shift() : undefined;
  while (queue.length > 0) {
    const arg = queue.shift()!;
    if (arg === "--") {
      for (const rest of queue) tokens.push({ positional: rest });
      break;
    }
    if (arg.length >= 2 && arg[0] === "-" && arg[1] !== "-") {
      const name = longOf(arg[1]);
      if (arg.length === 2) {
        tokens.push({ name, rawName: arg, value: nextValue(name), inline: false });
      } else if (typeOf(name) === "string") {
        tokens.push({ name, rawName: `-${arg[1]}`, value: arg.slice(2), inline: true });
      } else {
        // A group (`-abc`): each letter alone, up to a string option that takes the rest.
        const letters: string[] = [];
        for (let at = 1; at < arg.length; at++) {
          const last = at === arg.length - 1;
          if (typeOf(longOf(arg[at])) === "string" && !last) {
            letters.push(`-${arg.slice(at)}`);
            break;
          }
          letters.push(`-${arg[at]}`);
        }
        queue.unshift(...letters);
      }
      continue;
    }
    if (arg.length > 2 && arg.startsWith("--")) {
      if (arg.indexOf("=", 3) < 0) {
        const name = arg.slice(2);
        tokens.push({ name, rawName: arg, value: nextValue(name), inline: false });
      } else {
        const equals = arg.indexOf("=");
        const name = arg.slice(2, equals);
        tokens.push({ name, rawName: `--${name}`, value: arg.slice(equals + 1), inline: true });
      }
      continue;
    }
    tokens.push({ positional: arg });
  }
  return tokens;
}

/**
 * Parses `args` against `options` as `parseArgs({ args, options, strict: true,
 * allowPositionals: true })` does.
 *
 * @throws {ArgvError} for an unknown option, a string option without its value, a boolean
 * option with one, or a value taken from the next argument that starts with a dash.
 */
export function parseArgv(
  args: readonly string[],
  options: Readonly<Record<string, ArgvOption>>,
): ParsedArgv {
  const optionOf = (name: string) => Object.hasOwn(options, name) ? options[name] : undefined;
  const longs = new Map<string, string>();
  for (const [name, option] of Object.entries(options)) {
    if (option.short !== undefined && !longs.has(option.short)) longs.set(option.short, name);
  }
  const tokens = tokenize(
    args,
    (name) => optionOf(name)?.type,
    (short) => longs.get(short) ?? short,
  );
  const values: ParsedArgv["values"] = {};
  const positionals: string[] = [];
  for (const token of tokens) {
    if ("positional" in token) {
      positionals.push(token.positional);
      continue;
    }
    const option = optionOf(token.name);
    if (option === undefined) throw unknownOption(token.rawName);
    const both = `${option.short ? `-${option.short}, ` : ""}--${token.name}`;
    if (option.type === "string" && token.value === undefined) {
      throw invalidValue(`Option '${both} <value>' argument missing`);
    }
    if (option.type === "boolean" && token.value !== undefined) {
      throw invalidValue(`Option '${both}' does not take an argument`);
    }
    const value = token.value;
    if (!token.inline && value !== undefined && value.length > 1 && value[0] === "-") {
      const raw = token.rawName;
      const example = raw.startsWith("--")
        ? `'${raw}=-XYZ'`
        : `'--${token.name}=-XYZ' or '${raw}-XYZ'`;
      throw invalidValue(
        `Option '${raw}' argument is ambiguous.\n` +
          `Did you forget to specify the option argument for '${raw}'?\n` +
          `To specify an option argument starting with a dash use ${example}.`,
      );
    }
    const given = value ?? true;
    if (option.multiple) {
      const list = values[token.name];
      if (Array.isArray(list)) list.push(given);
      else values[token.name] = [given];
    } else {
      values[token.name] = given;
    }
  }
  return { values, positionals };
}
