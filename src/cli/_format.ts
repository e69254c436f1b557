/**
 * Output formatting shared by the commands: Podman's tables (Go `tabwriter` with minimum
 * width 12 and padding 2), go-units' human durations and sizes, and a Go-template subset
 * for `--format` (`{{.Field}}`, `{{.A.B}}`, `{{json .}}`, `upper`/`lower`/`join`, pipes,
 * a `table` prefix for a header row and aligned columns, `\t`/`\n` escapes).
 *
 * @module
 */
import { UsageError } from "../server/usage_error.ts";

const SIZE_UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** Go's `%.<precision>g` for a finite, non-negative number below 1000 (no exponent). */
function formatG(value: number, precision: number): string {
  if (value === 0) return "0";
  const text = value.toPrecision(precision);
  if (text.includes("e")) return String(Number(text));
  return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

/**
 * A size as Podman prints it: SI units, three significant digits (`5.59 MB`).
 *
 * @example
 * ```ts
 * import { humanSize } from "./_format.ts";
 * humanSize(5_590_000); // "5.59 MB"
 * ```
 */
export function humanSize(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1000 && unit < SIZE_UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${formatG(value, 3)} ${SIZE_UNITS[unit]}`;
}

/** A byte count in binary units for progress bars (`1.5 MiB`). */
export function binarySize(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/**
 * go-units' `HumanDuration` of `ms` milliseconds ("About a minute", "2 hours").
 *
 * @example
 * ```ts
 * import { humanDuration } from "./_format.ts";
 * humanDuration(2 * 3600_000); // "2 hours"
 * ```
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return "Less than a second";
  if (seconds === 1) return "1 second";
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return "About a minute";
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return "About an hour";
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/** "2 hours ago" for `time` seen from `now`; "" for the zero or an invalid time. */
export function timeAgo(time: Date, now: Date): string {
  if (Number.isNaN(time.getTime()) || time.getTime() <= 0) return "";
  return `${humanDuration(Math.max(0, now.getTime() - time.getTime()))} ago`;
}

/**
 * Aligns tab-separated lines like Go's `tabwriter` (minimum width 12, padding 2, spaces):
 * every tab-terminated cell is padded to its column's width.
 */
export function alignColumns(lines: string[]): string[] {
  const rows = lines.map((line) => line.split("\t"));
  const widths: number[] = [];
  for (const cells of rows) {
    for (let x = 0; x < cells.length - 1; x++) {
      widths[x] = Math.max(widths[x] ?? 0, Math.max(cells[x].length + 2, 12));
    }
  }
  return rows.map((cells) =>
    cells.map((cell, x) => x < cells.length - 1 ? cell.padEnd(widths[x]) : cell).join("")
  );
}

const GO_ESCAPES: Record<string, string> = {
  "\x07": "\\a",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\v": "\\v",
};

/**
 * Characters a terminal would act on rather than show: C0 and C1 controls, DEL, and the
 * invisible format characters (zero-width, bidirectional overrides, BOM).
 */
const FORMAT_CHARACTERS = "\\u200b-\\u200f\\u202a-\\u202e\\u2060-\\u2064\\u2066-\\u2069\\ufeff";
const UNPRINTABLE = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${FORMAT_CHARACTERS}]`, "g");

/**
 * `text` with every unprintable character escaped as Go's `%q` writes it (`\n`, `\x1b`,
 * `\u202e`), so that a name or a history line from an image cannot move the cursor,
 * recolour the terminal or reorder what is shown.
 *
 * @example
 * ```ts
 * import { escapeControl } from "./_format.ts";
 * escapeControl("evil\x1b[2Jname"); // "evil\\x1b[2Jname"
 * ```
 */
export function escapeControl(text: string): string {
  return text.replace(UNPRINTABLE, (c) => {
    const code = c.charCodeAt(0);
    return GO_ESCAPES[c] ??
      (code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`);
  });
}

const LEFT_RAW_BY_JSON = new RegExp(`[\\u007f-\\u009f${FORMAT_CHARACTERS}]`, "g");

/**
 * `JSON.stringify(value, null, indent)` with the unprintable characters it leaves raw (DEL,
 * C1 controls, invisible format characters) written as `\uXXXX` too: still the same JSON.
 */
export function safeJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(
    LEFT_RAW_BY_JSON,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/**
 * Replaces the two-character escapes `\t`, `\n` and `\\` a shell leaves in a format's
 * text (inside actions, string literals have their own escapes: `{{join .Names "\n"}}`).
 */
function unescapeFormat(format: string): string {
  return format.replace(/\\([tn\\])/g, (_, c) => c === "t" ? "\t" : c === "n" ? "\n" : "\\");
}

type Node = { text: string } | { action: string };

interface Arg {
  kind: "field" | "string" | "number";
  path?: string[];
  value?: string | number;
}

/** A parsed `--format` template. */
export interface Template {
  /** Whether the format started with `table` (header row, aligned columns). */
  table: boolean;
  /** Renders one value (no trailing newline added). */
  render(value: unknown): string;
  /** The header row: each action's field name mapped through `headers` (or upper-cased). */
  header(headers: Record<string, string>): string;
}

function tokenize(source: string, format: string): Node[] {
  const nodes: Node[] = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf("{{");
    if (open < 0) {
      nodes.push({ text: rest });
      break;
    }
    if (open > 0) nodes.push({ text: rest.slice(0, open) });
    const close = rest.indexOf("}}", open);
    if (close < 0) throw new UsageError(format, "template: unclosed action");
    nodes.push({ action: rest.slice(open + 2, close).replace(/^-\s|\s-$/g, "").trim() });
    rest = rest.slice(close + 2);
  }
  return nodes;
}

function parseArg(word: string, format: string): Arg {
  if (word === ".") return { kind: "field", path: [] };
  if (/^(\.[A-Za-z_][A-Za-z0-9_]*)+$/.test(word)) {
    return { kind: "field", path: word.slice(1).split(".") };
  }
  if (/^"(?:[^"\\]|\\.)*"$/.test(word)) return { kind: "string", value: JSON.parse(word) };
  if (/^-?\d+$/.test(word)) return { kind: "number", value: Number(word) };
  throw new UsageError(format, `template: bad argument "${word}"`);
}

function splitWords(text: string): string[] {
  return text.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
}

function lookup(value: unknown, path: string[], format: string): unknown {
  let current = value;
  for (const name of path) {
    if (current === null || typeof current !== "object" || !(name in current)) {
      throw new UsageError(format, `template: can't evaluate field ${name}`);
    }
    current = (current as Record<string, unknown>)[name];
    if (typeof current === "function") current = current.call(value);
  }
  return current;
}

/**
 * Output a template function already made safe, with text the user wrote in the format
 * (a `join` separator such as `"\n"`): printed as it is, not escaped again.
 */
class FormattedText {
  constructor(readonly text: string) {}
}

/** Go's default printing of a value (`%v`), unprintable characters escaped. */
export function goString(value: unknown): string {
  if (value instanceof FormattedText) return value.text;
  if (value === null || value === undefined) return "<no value>";
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return `[${value.map(goString).join(" ")}]`;
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return `map[${entries.map(([k, v]) => `${escapeControl(k)}:${goString(v)}`).join(" ")}]`;
  }
  return escapeControl(String(value));
}

const FUNCS: Record<string, (args: unknown[]) => unknown> = {
  json: ([v]) => safeJson(v ?? null),
  upper: ([v]) => goString(v).toUpperCase(),
  lower: ([v]) => goString(v).toLowerCase(),
  title: ([v]) => goString(v).replace(/\b\w/g, (c) => c.toUpperCase()),
  join: ([v, sep]) =>
    new FormattedText((Array.isArray(v) ? v.map(goString) : [goString(v)]).join(String(sep))),
  truncate: ([v, n]) => goString(v).slice(0, Number(n)),
  len: ([v]) => Array.isArray(v) || typeof v === "string" ? v.length : Object.keys(v ?? {}).length,
};

function evaluate(action: string, value: unknown, format: string): unknown {
  let piped: unknown[] | undefined;
  for (const stage of action.split(/\|(?=(?:[^"]*"[^"]*")*[^"]*$)/)) {
    const words = splitWords(stage.trim());
    if (words.length === 0) throw new UsageError(format, "template: empty command");
    const resolve = (word: string) => {
      const arg = parseArg(word, format);
      return arg.kind === "field" ? lookup(value, arg.path!, format) : arg.value;
    };
    if (words[0] in FUNCS) {
      const args = words.slice(1).map(resolve);
      if (piped) args.push(...piped);
      piped = [FUNCS[words[0]](args)];
    } else if (words.length === 1 && !piped) {
      piped = [resolve(words[0])];
    } else {
      throw new UsageError(format, `template: function "${words[0]}" not defined`);
    }
  }
  return piped![0];
}

function fieldOf(action: string): string {
  const words = splitWords(action.split("|")[0]);
  const field = words.find((word) => word.startsWith("."));
  if (!field || field === ".") return words[0] ?? "";
  return field.slice(1).split(".").at(-1)!;
}

function headerOf(field: string, headers: Record<string, string>): string {
  if (field in headers) return headers[field];
  return field.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toUpperCase();
}

/**
 * Parses a `--format` template.
 *
 * @throws {UsageError} for a malformed template.
 * @example
 * ```ts
 * import { parseTemplate } from "./_format.ts";
 * parseTemplate("{{.Repository}}:{{.Tag}}").render({ Repository: "a", Tag: "b" }); // "a:b"
 * ```
 */
export function parseTemplate(format: string): Template {
  let source = format;
  // `table` ends at white space, also written as an escape (`table\t{{.ID}}`).
  const table = /^table(\s|\\[tn]|$)/.test(source);
  if (table) source = source.replace(/^table(\s|\\[tn])*/, "");
  const nodes = tokenize(source, format)
    .map((node) => "text" in node ? { text: unescapeFormat(node.text) } : node);
  for (const node of nodes) {
    if (!("action" in node)) continue;
    for (const stage of node.action.split("|")) {
      const words = splitWords(stage.trim());
      if (words.length === 0) throw new UsageError(format, "template: empty command");
      if (!(words[0] in FUNCS)) parseArg(words[0], format);
    }
  }
  return {
    table,
    render: (value) =>
      nodes.map((node) =>
        "text" in node ? node.text : goString(evaluate(node.action, value, format))
      ).join(""),
    header: (headers) =>
      nodes.map((node) => "text" in node ? node.text : headerOf(fieldOf(node.action), headers))
        .join(""),
  };
}

/** Options of {@linkcode formatRows}. */
export interface FormatRowsOptions {
  /** The template used without `--format` (a `table` one). */
  defaultFormat: string;
  /** Header names by field. @default upper-cased field names */
  headers?: Record<string, string>;
  /** Leave out the header row. @default false */
  noHeading?: boolean;
}

/**
 * Formats `rows` with `--format` (or the default): `json` prints the `json` values as one
 * JSON array; a template renders each row (a `table` template adds a header and aligns).
 */
export function formatRows<T>(
  rows: T[],
  format: string | undefined,
  toJson: (row: T) => unknown,
  options: FormatRowsOptions,
): string {
  if (format === "json") return safeJson(rows.map(toJson), 4) + "\n";
  const bare = format === undefined || /^table\s*$/.test(format);
  const template = parseTemplate(bare ? options.defaultFormat : format);
  const lines: string[] = [];
  if (template.table && !options.noHeading) lines.push(template.header(options.headers ?? {}));
  for (const row of rows) lines.push(template.render(row));
  const out = template.table ? alignColumns(lines) : lines;
  return out.map((line) => line.endsWith("\n") ? line : line + "\n").join("");
}
