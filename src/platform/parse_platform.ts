/**
 * Platform specifiers: `os`, `arch`, `os/arch` or `os/arch/variant`, as containerd
 * parses and formats them.
 *
 * @module
 */
import { InvalidPlatformError } from "../errors.ts";
import type { Platform } from "../types/mod.ts";
import { defaultPlatform } from "./host_platform.ts";
import {
  KNOWN_ARCHITECTURES,
  KNOWN_OSES,
  normalizeArchitecture,
  normalizeOs,
} from "./normalize_platform.ts";

const OS_AND_VERSION = /^([A-Za-z0-9_-]+)(?:\(([A-Za-z0-9_.-]*)\))?$/;
const COMPONENT = /^[A-Za-z0-9_.-]+$/;

/** Options of {@linkcode parsePlatform}. */
export interface ParsePlatformOptions {
  /**
   * Where a lone os takes its architecture from, and a lone architecture its os.
   * @default defaultPlatform()
   */
  defaults?: Platform;
}

/**
 * Parses a platform specifier the way containerd does: `os[(os.version)]`, `arch`,
 * `os[(os.version)]/arch` or `os[(os.version)]/arch/variant`. A lone word is an os if
 * it names one, else an architecture; the missing part comes from the defaults.
 * Architectures are normalized (`x86_64` -> `amd64`, `aarch64` -> `arm64`); `arm` with
 * variant `v7` is written without it, and an explicit `arm64/v8` keeps its variant.
 *
 * @throws {InvalidPlatformError} when the specifier does not follow the grammar.
 * @example
 * ```ts
 * import { parsePlatform } from "./parse_platform.ts";
 * parsePlatform("linux/aarch64"); // { os: "linux", architecture: "arm64" }
 * parsePlatform("linux/arm/v6"); // { os: "linux", architecture: "arm", variant: "v6" }
 * ```
 */
export function parsePlatform(specifier: string, options: ParsePlatformOptions = {}): Platform {
  if (specifier.includes("*")) {
    throw new InvalidPlatformError(specifier, "wildcards are not supported");
  }
  const parts = specifier.split("/");
  if (parts.length > 3) {
    throw new InvalidPlatformError(specifier, "expected os, arch, os/arch or os/arch/variant");
  }
  const osMatch = OS_AND_VERSION.exec(parts[0]);
  if (osMatch === null) {
    throw new InvalidPlatformError(
      specifier,
      `"${parts[0]}" is not a valid os, optionally followed by "(version)"`,
    );
  }
  for (const part of parts.slice(1)) {
    if (!COMPONENT.test(part)) {
      throw new InvalidPlatformError(
        specifier,
        `"${part}" is not a valid component: use letters, digits, "_", "." or "-"`,
      );
    }
  }
  const os = normalizeOs(osMatch[1]);
  const osVersion = osMatch[2];
  const withVersion = (p: Platform): Platform => {
    if (osVersion) p["os.version"] = osVersion;
    return p;
  };
  if (parts.length === 1) {
    const defaults = options.defaults ?? defaultPlatform();
    if (KNOWN_OSES.has(os)) {
      const p: Platform = { os, architecture: defaults.architecture };
      if (defaults.variant && !(defaults.architecture === "arm" && defaults.variant === "v7")) {
        p.variant = defaults.variant;
      }
      return withVersion(p);
    }
    const { architecture, variant } = normalizeArchitecture(parts[0], "");
    if (!KNOWN_ARCHITECTURES.has(architecture)) {
      throw new InvalidPlatformError(specifier, "unknown operating system or architecture");
    }
    return shortArm({ os: defaults.os, architecture }, variant);
  }
  if (parts.length === 2) {
    const { architecture, variant } = normalizeArchitecture(parts[1], "");
    return withVersion(shortArm({ os, architecture }, variant));
  }
  const normalized = normalizeArchitecture(parts[1], parts[2]);
  const p: Platform = { os, architecture: normalized.architecture };
  const variant = normalized.variant === "" && normalized.architecture === "arm64"
    ? "v8"
    : normalized.variant;
  if (variant !== "") p.variant = variant;
  return withVersion(p);
}

function shortArm(p: Platform, variant: string): Platform {
  if (variant !== "" && !(p.architecture === "arm" && variant === "v7")) p.variant = variant;
  return p;
}

/** Options of {@linkcode formatPlatform}. */
export interface FormatPlatformOptions {
  /** Write the os version as `os(version)`. @default false */
  withOsVersion?: boolean;
}

/**
 * Formats a platform as `os/arch[/variant]`, leaving out empty parts; `"unknown"` when
 * the os is empty.
 *
 * @example
 * ```ts
 * import { formatPlatform } from "./parse_platform.ts";
 * formatPlatform({ os: "linux", architecture: "arm", variant: "v7" }); // "linux/arm/v7"
 * ```
 */
export function formatPlatform(
  platform: { os: string; architecture: string; variant?: string; "os.version"?: string },
  options: FormatPlatformOptions = {},
): string {
  if (!platform.os) return "unknown";
  const os = options.withOsVersion && platform["os.version"]
    ? `${platform.os}(${platform["os.version"]})`
    : platform.os;
  return [os, platform.architecture, platform.variant ?? ""].filter((s) => s !== "").join("/");
}
