/**
 * Go's `path.Match` glob syntax, compiled once to a matcher: `*` matches any run of
 * characters except `/`, `?` one character except `/`, `[...]` a class (`^` negates,
 * `a-z` ranges, `\` escapes) and `\c` the character `c`.
 *
 * @module
 */

const REGEX_SPECIAL = /[\\^$.*+?()[\]{}|/]/g;
const CLASS_SPECIAL = /[\\^\]\[-]/g;

function escapeChar(c: string): string {
  return c.replace(REGEX_SPECIAL, "\\$&");
}

function escapeClassChar(c: string): string {
  return c.replace(CLASS_SPECIAL, "\\$&");
}

/**
 * Compiles a `path.Match` pattern; returns `undefined` for a malformed pattern (which, as in
 * Go, matches nothing).
 *
 * @example
 * ```ts
 * import { compilePathMatch } from "./path_match.ts";
 * compilePathMatch("alp*")!("alpine:3"); // true
 * compilePathMatch("alp*")!("a/alpine"); // false
 * ```
 */
export function compilePathMatch(pattern: string): ((value: string) => boolean) | undefined {
  const chars = [...pattern];
  let source = "^";
  let i = 0;
  while (i < chars.length) {
    const c = chars[i];
    if (c === "*") {
      source += "[^/]*";
      i++;
    } else if (c === "?") {
      source += "[^/]";
      i++;
    } else if (c === "\\") {
      if (i + 1 >= chars.length) return undefined;
      source += escapeChar(chars[i + 1]);
      i += 2;
    } else if (c === "[") {
      const parsed = parseClass(chars, i + 1);
      if (!parsed) return undefined;
      source += parsed.source;
      i = parsed.end;
    } else {
      source += escapeChar(c);
      i++;
    }
  }
  const regex = new RegExp(source + "$", "u");
  return (value) => regex.test(value);
}

/** Reads one class character (with `\` escapes); `-` and `]` must be escaped. */
function classChar(chars: string[], i: number): { char: string; end: number } | undefined {
  if (i >= chars.length) return undefined;
  let c = chars[i];
  if (c === "-" || c === "]") return undefined;
  if (c === "\\") {
    i++;
    if (i >= chars.length) return undefined;
    c = chars[i];
  }
  return { char: c, end: i + 1 };
}

function parseClass(chars: string[], i: number): { source: string; end: number } | undefined {
  let negated = false;
  if (chars[i] === "^") {
    negated = true;
    i++;
  }
  let body = "";
  let ranges = 0;
  for (;;) {
    if (i >= chars.length) return undefined;
    if (chars[i] === "]" && ranges > 0) {
      i++;
      break;
    }
    const lo = classChar(chars, i);
    if (!lo) return undefined;
    i = lo.end;
    let hi = lo;
    if (chars[i] === "-") {
      const upper = classChar(chars, i + 1);
      if (!upper) return undefined;
      hi = upper;
      i = upper.end;
    }
    ranges++;
    // As in Go, a range whose low end is above its high end matches nothing.
    if ((hi.char.codePointAt(0) ?? 0) < (lo.char.codePointAt(0) ?? 0)) continue;
    body += hi === lo
      ? escapeClassChar(lo.char)
      : `${escapeClassChar(lo.char)}-${escapeClassChar(hi.char)}`;
  }
  if (body === "") return { source: negated ? "[\\s\\S]" : "(?!)", end: i };
  return { source: `[${negated ? "^" : ""}${body}]`, end: i };
}
