/**
 * A JSON parser that refuses what `JSON.parse` lets through silently: a member named
 * twice in one object. containers-policy.json(5) and containers-signature(5) both demand
 * this ("duplicated fields cause the entire file to be rejected").
 *
 * @module
 */

/** A JSON value as {@linkcode parseStrictJson} returns it. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON object as {@linkcode parseStrictJson} returns it. */
export type JsonObject = { [key: string]: JsonValue };

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
// deno-lint-ignore no-control-regex -- JSON forbids raw control characters in strings
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const MAX_DEPTH = 64;

/**
 * Parses `text` as one JSON value; a duplicated member name, trailing data or nesting
 * deeper than 64 levels is a `SyntaxError` naming the member or position.
 *
 * @example
 * ```ts
 * import { parseStrictJson } from "./strict_json.ts";
 * parseStrictJson('{"a": [1, true]}'); // { a: [1, true] }
 * ```
 */
export function parseStrictJson(text: string): JsonValue {
  const parser = new Parser(text);
  const value = parser.value(0);
  parser.skip();
  if (parser.pos !== text.length) parser.fail("unexpected data after the JSON value");
  return value;
}

/** Whether `value` is a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class Parser {
  pos = 0;
  constructor(readonly text: string) {}

  fail(detail: string): never {
    throw new SyntaxError(`Invalid JSON at offset ${this.pos}: ${detail}`);
  }

  skip(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.text);
    this.pos = WHITESPACE.lastIndex;
  }

  match(pattern: RegExp): string | undefined {
    pattern.lastIndex = this.pos;
    const found = pattern.exec(this.text);
    if (found === null) return undefined;
    this.pos = pattern.lastIndex;
    return found[0];
  }

  value(depth: number): JsonValue {
    if (depth > MAX_DEPTH) this.fail(`nested deeper than ${MAX_DEPTH} levels`);
    this.skip();
    const c = this.text[this.pos];
    if (c === "{") return this.object(depth);
    if (c === "[") return this.array(depth);
    if (c === '"') return this.string();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    const number = this.match(NUMBER);
    if (number === undefined) this.fail("expected a JSON value");
    return Number(number);
  }

  string(): string {
    const raw = this.match(STRING);
    if (raw === undefined) this.fail("invalid string");
    return JSON.parse(raw) as string;
  }

  object(depth: number): JsonObject {
    this.pos++;
    const result: JsonObject = {};
    const seen = new Set<string>();
    this.skip();
    if (this.text[this.pos] === "}") {
      this.pos++;
      return result;
    }
    for (;;) {
      this.skip();
      const key = this.string();
      if (seen.has(key)) this.fail(`duplicate field "${key}"`);
      seen.add(key);
      this.skip();
      if (this.text[this.pos] !== ":") this.fail('expected ":"');
      this.pos++;
      // defineProperty: a member named "__proto__" is data, never the prototype.
      Object.defineProperty(result, key, {
        value: this.value(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      this.skip();
      const c = this.text[this.pos++];
      if (c === "}") return result;
      if (c !== ",") this.fail('expected "," or "}"');
    }
  }

  array(depth: number): JsonValue[] {
    this.pos++;
    const result: JsonValue[] = [];
    this.skip();
    if (this.text[this.pos] === "]") {
      this.pos++;
      return result;
    }
    for (;;) {
      result.push(this.value(depth + 1));
      this.skip();
      const c = this.text[this.pos++];
      if (c === "]") return result;
      if (c !== ",") this.fail('expected "," or "]"');
    }
  }
}
