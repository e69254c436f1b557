/**
 * Timestamps of the `until` filter, read as Podman's `timetype.GetTimestamp` reads them:
 * a Go duration before now (`10m`, `1h30m`), an RFC 3339 date or date-time (local time
 * when it carries no offset), or Unix seconds with optional fractional nanoseconds.
 *
 * @module
 */

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "\u00b5s": 1e-3,
  "\u03bcs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Parses a Go duration (`time.ParseDuration`) into milliseconds; `undefined` when `value`
 * is not one.
 *
 * @example
 * ```ts
 * import { parseGoDuration } from "./parse_timestamp.ts";
 * parseGoDuration("1h30m"); // 5400000
 * ```
 */
export function parseGoDuration(value: string): number | undefined {
  let s = value;
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    if (s[0] === "-") sign = -1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return undefined;
  const part = /^([0-9]*(?:\.[0-9]*)?)([a-z\u00b5\u03bc]+)/;
  let total = 0;
  while (s !== "") {
    const m = part.exec(s);
    if (!m || m[1] === "" || m[1] === ".") return undefined;
    const unit = UNIT_MS[m[2]];
    if (unit === undefined) {
      // The unit may run into the next number's letters only if it is unknown.
      return undefined;
    }
    total += Number(m[1]) * unit;
    s = s.slice(m[0].length);
  }
  return sign * total;
}

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?)?(Z|z|[+-]\d{2}:\d{2})?$/;

function parseDate(value: string): { ms: number; nanos: number } | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const fraction = (m[7] ?? "").padEnd(9, "0");
  const nanos = Number(fraction);
  const zone = m[8];
  let ms: number;
  if (zone === undefined) {
    const local = new Date(year, month - 1, day, hour, minute, second, 0);
    local.setFullYear(year);
    if (local.getDate() !== day) return undefined;
    ms = local.getTime();
  } else {
    ms = Date.UTC(year, month - 1, day, hour, minute, second, 0);
    if (new Date(ms).getUTCDate() !== day) return undefined;
    if (zone !== "Z" && zone !== "z") {
      const offset = (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
      ms -= zone[0] === "+" ? offset : -offset;
    }
  }
  return { ms, nanos };
}

/**
 * The instant `value` names, relative to `now` for durations.
 *
 * @throws {RangeError} when `value` is neither a duration, a date nor a Unix timestamp.
 * @example
 * ```ts
 * import { parseTimestamp } from "./parse_timestamp.ts";
 * parseTimestamp("10m", new Date(600_000)).getTime(); // 0
 * parseTimestamp("1700000000", new Date()).getTime(); // 1700000000000
 * ```
 */
export function parseTimestamp(value: string, now: Date): Date {
  const duration = value === "0" ? undefined : parseGoDuration(value);
  if (duration !== undefined) {
    // Go keeps whole seconds of `now - duration`.
    return new Date(Math.floor((now.getTime() - duration) / 1000) * 1000);
  }
  const date = parseDate(value);
  if (date) return new Date(date.ms + Math.floor(date.nanos / 1e6));
  if (value.includes("-")) {
    throw new RangeError(`Cannot parse timestamp "${value}": not a duration or RFC 3339 date`);
  }
  const unix = /^(\d+)(?:\.(\d+))?$/.exec(value);
  if (!unix) throw new RangeError(`Cannot parse timestamp "${value}": not a Unix timestamp`);
  const seconds = Number(unix[1]);
  const fraction = unix[2] ?? "";
  const nanos = fraction === "" ? 0 : Number(fraction) * 10 ** (9 - fraction.length);
  return new Date(seconds * 1000 + Math.floor(nanos / 1e6));
}
