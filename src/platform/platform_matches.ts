/**
 * Whether an image's platform can run where another is wanted, and which of several is
 * best, with containerd's rules.
 *
 * @module
 */
import type { Platform } from "../types/mod.ts";
import { normalizePlatform } from "./normalize_platform.ts";

/** Options of the matching functions. */
export interface MatchOptions {
  /**
   * Match only the wanted platform itself, not the older variants it can also run
   * (containerd's `OnlyStrict` instead of `Only`).
   * @default false
   */
  strict?: boolean;
}

// The arm64 versions (major, newest minor) a variant can also run, newest first; v9.x
// runs v8 up to v8.(x+5). Undefined for variants containerd does not know.
function arm64Versions(variant: string): Array<[number, number]> | undefined {
  const m = /^v([89])(?:\.([0-9]))?$/.exec(variant);
  if (m === null) return undefined;
  const minor = Number(m[2] ?? "0");
  if (m[1] === "8") return [[8, minor]];
  return minor <= 7 ? [[9, minor], [8, Math.min(minor + 5, 9)]] : undefined;
}

function variantNumber(variant: string | undefined): number {
  if (!variant) return NaN;
  const text = variant.startsWith("v") ? variant.slice(1) : variant;
  return /^[0-9]+$/.test(text) ? Number(text) : NaN;
}

function withArch(base: Platform, architecture: string, variant?: string): Platform {
  const p: Platform = { ...base, architecture };
  if (variant) p.variant = variant;
  else delete p.variant;
  return p;
}

function vector(p: Platform): Platform[] {
  switch (p.architecture) {
    case "amd64": {
      const out = [p];
      const level = variantNumber(p.variant);
      for (let v = level - 1; v >= 1; v--) out.push(withArch(p, "amd64", `v${v}`));
      out.push(withArch(p, "386"));
      return out;
    }
    case "arm": {
      const out = [p];
      const level = variantNumber(p.variant);
      for (let v = level - 1; v >= 5; v--) out.push(withArch(p, "arm", `v${v}`));
      return out;
    }
    case "arm64": {
      const variant = p.variant || "v8";
      const versions = arm64Versions(variant);
      if (versions === undefined) return [];
      const out: Platform[] = [];
      for (const [major, newest] of versions) {
        for (let minor = newest; minor >= 0; minor--) {
          out.push(withArch(p, "arm64", minor === 0 ? `v${major}` : `v${major}.${minor}`));
        }
      }
      // Every arm64 CPU also runs 32-bit arm up to v8.
      return [...out, ...vector(withArch(p, "arm", "v8"))];
    }
    default:
      return [p];
  }
}

/**
 * The platforms an image may have to run where `want` is wanted, best first, in
 * canonical form: `want` itself, then older variants (`arm/v7` -> `arm/v6`, `arm/v5`;
 * `arm64` -> `arm/v8` ... `arm/v5`; `amd64/v3` -> `v2`, `amd64`, `386`).
 *
 * @example
 * ```ts
 * import { compatiblePlatforms } from "./platform_matches.ts";
 * compatiblePlatforms({ os: "linux", architecture: "arm", variant: "v7" }).length; // 3
 * ```
 */
export function compatiblePlatforms(want: Platform, options: MatchOptions = {}): Platform[] {
  const normalized = normalizePlatform(want);
  const all = options.strict ? [normalized] : vector(normalized);
  return all.map(normalizePlatform);
}

function windowsVersion(version: string | undefined): [number, number, number] | undefined {
  if (!version) return undefined;
  const parts = version.split(".");
  if (parts.length < 3) return undefined;
  const numbers = parts.slice(0, 3).map((s) => (/^[0-9]+$/.test(s) ? Number(s) : NaN));
  if (numbers.some((n) => Number.isNaN(n))) return undefined;
  return [numbers[0], numbers[1], numbers[2]];
}

// Windows Server 2022: from this build on, hosts run older stable-ABI images too.
const WS2022_BUILD = 20348;

function osVersionMatches(want: Platform, have: Platform): boolean {
  if (want.os !== "windows") return true;
  const host = windowsVersion(want["os.version"]);
  if (host === undefined || !have["os.version"]) return true;
  const image = windowsVersion(have["os.version"]) ?? [0, 0, 0];
  if (host[0] !== image[0] || host[1] !== image[1]) return false;
  if (host[2] < WS2022_BUILD) return host[2] === image[2];
  return image[2] >= WS2022_BUILD && image[2] <= host[2];
}

function same(want: Platform, have: Platform): boolean {
  return want.os === have.os && want.architecture === have.architecture &&
    (want.variant ?? "") === (have.variant ?? "");
}

/**
 * How good a match `have` is for `want`: 0 for the wanted platform itself, higher for
 * older compatible variants, -1 when it cannot run there. Both sides are normalized; a
 * Windows `os.version` on `want` restricts the Windows builds that match.
 */
export function platformRank(want: Platform, have: Platform, options: MatchOptions = {}): number {
  const candidates = compatiblePlatforms(want, options);
  const normalized = normalizePlatform(have);
  if (!osVersionMatches(want, have)) return -1;
  return candidates.findIndex((c) => same(c, normalized));
}

/**
 * Whether an image for `have` can run where `want` is wanted (containerd's `Only(want)`
 * matcher, or `OnlyStrict` with `strict`).
 *
 * @example
 * ```ts
 * import { platformMatches } from "./platform_matches.ts";
 * const want = { os: "linux", architecture: "arm64" };
 * platformMatches(want, { os: "linux", architecture: "arm64", variant: "v8" }); // true
 * platformMatches(want, { os: "linux", architecture: "arm", variant: "v7" }); // true
 * platformMatches(want, { os: "linux", architecture: "arm", variant: "v7" }, { strict: true }); // false
 * ```
 */
export function platformMatches(
  want: Platform,
  have: Platform,
  options: MatchOptions = {},
): boolean {
  return platformRank(want, have, options) !== -1;
}

function revision(version: string | undefined): number {
  const parts = (version ?? "").split(".");
  const n = Number(parts[3]);
  return parts.length >= 4 && Number.isInteger(n) ? n : 0;
}

/**
 * A comparator for `Array.prototype.sort` that puts the platforms best for `want` first:
 * the wanted one, then compatible ones in containerd's order, then the ones that do not
 * match (in their original order, since the sort is stable). Among Windows images of the
 * same rank, the higher revision comes first.
 */
export function comparePlatforms(
  want: Platform,
  options: MatchOptions = {},
): (a: Platform, b: Platform) => number {
  return (a, b) => {
    const ra = platformRank(want, a, options);
    const rb = platformRank(want, b, options);
    const ka = ra === -1 ? Infinity : ra;
    const kb = rb === -1 ? Infinity : rb;
    if (ka !== kb) return ka < kb ? -1 : 1;
    if (ra !== -1 && normalizePlatform(want).os === "windows") {
      return revision(b["os.version"]) - revision(a["os.version"]);
    }
    return 0;
  };
}
