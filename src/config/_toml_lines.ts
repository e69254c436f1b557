/**
 * A best-effort map from TOML key paths to the line that sets them, so that errors about
 * a value (not about the syntax, which the parser locates itself) can name a line.
 *
 * Paths look like `registry[1].mirror[0].location` or `aliases.fedora`. Only the usual
 * layout (`[table]`, `[[array]]`, `key = value`) is understood; anything else simply has
 * no line.
 *
 * @module
 */

const ARRAY_HEADER = /^\s*\[\[\s*([^\]]+?)\s*\]\]/;
const TABLE_HEADER = /^\s*\[\s*([^\]]+?)\s*\]/;
const KEY_LINE = /^\s*("(?:[^"\\]|\\.)*"|'[^']*'|[A-Za-z0-9_.-]+)\s*=/;

function unquote(key: string): string {
  if (key.startsWith('"')) {
    try {
      return JSON.parse(key);
    } catch {
      return key.slice(1, -1);
    }
  }
  if (key.startsWith("'")) return key.slice(1, -1);
  return key;
}

/** Maps each key path found in `text` to its 1-based line. */
export function tomlKeyLines(text: string): Map<string, number> {
  const lines = new Map<string, number>();
  const counters = new Map<string, number>();
  let current = "";
  const record = (path: string, line: number) => {
    if (!lines.has(path)) lines.set(path, line);
  };
  text.split(/\r?\n/).forEach((source, index) => {
    const line = index + 1;
    const array = ARRAY_HEADER.exec(source);
    if (array) {
      const parts = array[1].split(".").map((part) => unquote(part.trim()));
      // The parent of `[[a.b]]` is the latest element of `[[a]]`.
      let parent = "";
      for (const part of parts.slice(0, -1)) {
        const base = parent === "" ? part : `${parent}.${part}`;
        const count = counters.get(base);
        parent = count === undefined ? base : `${base}[${count - 1}]`;
      }
      const name = parts[parts.length - 1];
      const base = parent === "" ? name : `${parent}.${name}`;
      const count = (counters.get(base) ?? 0) + 1;
      counters.set(base, count);
      current = `${base}[${count - 1}]`;
      record(current, line);
      return;
    }
    const table = TABLE_HEADER.exec(source);
    if (table) {
      const parts = table[1].split(".").map((part) => unquote(part.trim()));
      parts.forEach((_, end) => record(parts.slice(0, end + 1).join("."), line));
      current = parts.join(".");
      return;
    }
    const key = KEY_LINE.exec(source);
    if (key) {
      const name = unquote(key[1]);
      record(current === "" ? name : `${current}.${name}`, line);
    }
  });
  return lines;
}

/** The line that sets a key path (else its nearest parent), or `undefined`. */
export type KeyLineOf = (path: string) => number | undefined;

/**
 * The {@linkcode KeyLineOf} of `text`, which scans it on the first question only: lines
 * are wanted for errors and warnings, and most files have none.
 */
export function keyLineOf(text: string): KeyLineOf {
  let lines: Map<string, number> | undefined;
  return (path) => lineOf(lines ??= tomlKeyLines(text), path);
}

/** The line of `path`, else of its nearest parent that has one. */
function lineOf(lines: Map<string, number>, path: string): number | undefined {
  let candidate = path;
  while (candidate !== "") {
    const line = lines.get(candidate);
    if (line !== undefined) return line;
    const cut = Math.max(candidate.lastIndexOf("."), candidate.lastIndexOf("["));
    if (cut <= 0) break;
    candidate = candidate.slice(0, cut);
  }
  return undefined;
}
