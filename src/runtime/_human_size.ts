/**
 * go-units' `HumanSizeWithPrecision`: SI units (`B`, `kB`, `MB`, ...) and Go's `%.<p>g`.
 *
 * @module
 */

const UNITS = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];

/** Go's `%.<precision>g` for a finite number. */
export function formatG(value: number, precision: number): string {
  if (value === 0) return "0";
  const exponent = Number(value.toExponential(precision - 1).split("e")[1]);
  if (exponent < -4 || exponent >= precision) {
    const [mantissa, exp] = value.toExponential(precision - 1).split("e");
    const trimmed = mantissa.includes(".") ? mantissa.replace(/\.?0+$/, "") : mantissa;
    const sign = exp.startsWith("-") ? "-" : "+";
    const digits = exp.replace(/^[+-]/, "").padStart(2, "0");
    return `${trimmed}e${sign}${digits}`;
  }
  const fixed = value.toFixed(Math.max(0, precision - 1 - exponent));
  return fixed.includes(".") ? fixed.replace(/\.?0+$/, "") : fixed;
}

/**
 * A size the way Podman prints it: `5.59 MB` (precision 3 by default).
 *
 * @example
 * ```ts
 * import { humanSize } from "./_human_size.ts";
 * humanSize(5_590_000); // "5.59 MB"
 * ```
 */
export function humanSize(size: number, precision = 3): string {
  let value = size;
  let unit = 0;
  while (value >= 1000 && unit < UNITS.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${formatG(value, precision)} ${UNITS[unit]}`;
}
