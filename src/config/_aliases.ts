/**
 * Validation of short-name aliases (`[aliases]` tables), shared by registries.conf and
 * the machine-written short-name-aliases.conf.
 *
 * @module
 */
import {
  isShortName,
  parseNormalizedName,
  parseReference,
  type Reference,
} from "../reference/mod.ts";
import { ConfigError } from "../errors.ts";
import type { KeyLineOf } from "./_toml_lines.ts";
import type { AliasEntry } from "./registries_conf.ts";

/** Why `name` cannot be an alias key, or undefined when it can. */
export function shortNameProblem(name: string): string | undefined {
  let ref: Reference;
  try {
    ref = parseReference(name);
  } catch (error) {
    return `cannot parse short name: "${name}": ${(error as Error).message}`;
  }
  if (ref.digest !== undefined) return `invalid short name "${name}": must not contain digest`;
  if (ref.tag !== undefined) return `invalid short name "${name}": must not contain tag`;
  if (!isShortName(name)) return `invalid short name "${name}": must not contain registry`;
  return undefined;
}

/** Parses an alias value (a fully-qualified name without tag or digest), or says why not. */
export function parseAliasValue(value: string): Reference | string {
  let ref: Reference;
  try {
    ref = parseReference(value);
  } catch (error) {
    return `parsing alias "${value}": ${(error as Error).message}`;
  }
  if (ref.digest !== undefined) return `invalid alias "${value}": must not contain digest`;
  if (ref.tag !== undefined) return `invalid alias "${value}": must not contain tag`;
  if (isShortName(value)) return `invalid alias "${value}": must contain registry and repository`;
  return parseNormalizedName(value);
}

/**
 * Validates an `[aliases]` table read from `file`; every bad entry is reported at once.
 * An empty value is kept as a cleared alias.
 */
export function parseAliasTable(
  table: Record<string, unknown>,
  file: string,
  lineOf: KeyLineOf,
): Map<string, AliasEntry> {
  const aliases = new Map<string, AliasEntry>();
  const problems: Array<{ message: string; line: number | undefined }> = [];
  for (const [name, raw] of Object.entries(table)) {
    const at = `aliases.${name}`;
    const keyProblem = shortNameProblem(name);
    if (keyProblem !== undefined) problems.push({ message: keyProblem, line: lineOf(at) });
    if (typeof raw !== "string") {
      problems.push({ message: `alias "${name}" must be a string`, line: lineOf(at) });
      continue;
    }
    if (raw === "") {
      aliases.set(name, { value: undefined, file });
      continue;
    }
    const parsed = parseAliasValue(raw);
    if (typeof parsed === "string") problems.push({ message: parsed, line: lineOf(at) });
    else if (keyProblem === undefined) aliases.set(name, { value: parsed, file });
  }
  if (problems.length > 0) {
    throw new ConfigError(
      file,
      `invalid short-name aliases: ${problems.map((problem) => problem.message).join("; ")}`,
      problems[0].line,
    );
  }
  return aliases;
}
