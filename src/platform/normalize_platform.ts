/**
 * Canonical spellings of operating systems, architectures and variants, following
 * containerd's rules.
 *
 * @module
 */
import type { Platform } from "../types/mod.ts";

/** Operating systems known by name (Go's `GOOS` values that containers use). */
export const KNOWN_OSES: ReadonlySet<string> = new Set([
  "aix",
  "android",
  "darwin",
  "dragonfly",
  "freebsd",
  "hurd",
  "illumos",
  "ios",
  "js",
  "linux",
  "nacl",
  "netbsd",
  "openbsd",
  "plan9",
  "solaris",
  "wasip1",
  "windows",
  "zos",
]);

/** Architectures known by name (Go's `GOARCH` values). */
export const KNOWN_ARCHITECTURES: ReadonlySet<string> = new Set([
  "386",
  "amd64",
  "amd64p32",
  "arm",
  "armbe",
  "arm64",
  "arm64be",
  "loong64",
  "mips",
  "mipsle",
  "mips64",
  "mips64le",
  "mips64p32",
  "mips64p32le",
  "ppc",
  "ppc64",
  "ppc64le",
  "riscv",
  "riscv64",
  "s390",
  "s390x",
  "sparc",
  "sparc64",
  "wasm",
]);

/**
 * The canonical spelling of an operating system: lowercased, `macos` becomes `darwin`.
 * An empty string stays empty.
 */
export function normalizeOs(os: string): string {
  const lower = os.toLowerCase();
  return lower === "macos" ? "darwin" : lower;
}

/**
 * The canonical spelling of an architecture and its variant (an empty variant means
 * none): `x86_64`/`x86-64` become `amd64` (variant `v1` dropped), `aarch64` becomes
 * `arm64` (variant `v8` dropped, `9` becomes `v9`), `i386` becomes `386`, `armhf` becomes
 * `arm/v7`, `armel` becomes `arm/v6`, and `arm` gets variant `v7` when it has none.
 *
 * @example
 * ```ts
 * import { normalizeArchitecture } from "./normalize_platform.ts";
 * normalizeArchitecture("aarch64", "v8"); // { architecture: "arm64", variant: "" }
 * normalizeArchitecture("arm", ""); // { architecture: "arm", variant: "v7" }
 * ```
 */
export function normalizeArchitecture(
  architecture: string,
  variant: string,
): { architecture: string; variant: string } {
  const arch = architecture.toLowerCase();
  let v = variant.toLowerCase();
  switch (arch) {
    case "i386":
      return { architecture: "386", variant: "" };
    case "x86_64":
    case "x86-64":
    case "amd64":
      return { architecture: "amd64", variant: v === "v1" ? "" : v };
    case "aarch64":
    case "arm64":
      if (v === "8" || v === "v8" || v === "v8.0") v = "";
      else if (v === "9" || v === "9.0" || v === "v9.0") v = "v9";
      return { architecture: "arm64", variant: v };
    case "armhf":
      return { architecture: "arm", variant: "v7" };
    case "armel":
      return { architecture: "arm", variant: "v6" };
    case "arm":
      if (v === "" || v === "7") v = "v7";
      else if (v === "5" || v === "6" || v === "8") v = `v${v}`;
      return { architecture: "arm", variant: v };
    default:
      return { architecture: arch, variant: v };
  }
}

/**
 * The canonical form of a platform, the one two platforms are compared in (containerd's
 * `Normalize`, except that an empty `os` stays empty). Other fields are kept; a variant
 * that normalizes to nothing is left out.
 *
 * @example
 * ```ts
 * import { normalizePlatform } from "./normalize_platform.ts";
 * normalizePlatform({ os: "Linux", architecture: "x86_64" }); // { os: "linux", architecture: "amd64" }
 * normalizePlatform({ os: "linux", architecture: "arm" }); // { os: "linux", architecture: "arm", variant: "v7" }
 * ```
 */
export function normalizePlatform(platform: Platform): Platform {
  const { architecture, variant } = normalizeArchitecture(
    platform.architecture,
    platform.variant ?? "",
  );
  const result: Platform = { ...platform, os: normalizeOs(platform.os), architecture };
  if (variant === "") delete result.variant;
  else result.variant = variant;
  return result;
}

/** An os/architecture/variant triple whose parts may be missing. */
export interface PlatformChoice {
  /** The operating system, if chosen. */
  os?: string;
  /** The architecture, if chosen. */
  architecture?: string;
  /** The variant, if chosen. */
  variant?: string;
}

/**
 * Normalizes what a user asked for (`--os`, `--arch`, `--variant`) the way libimage does:
 * each given part takes its canonical spelling, missing parts stay missing, a variant the
 * user gave is kept even where the canonical form drops it (`arm64` `v8`), and `arm`
 * gets `v7` when no variant is given.
 *
 * @example
 * ```ts
 * import { normalizePlatformChoice } from "./normalize_platform.ts";
 * normalizePlatformChoice({ architecture: "aarch64", variant: "v8" }); // { architecture: "arm64", variant: "v8" }
 * ```
 */
export function normalizePlatformChoice(choice: PlatformChoice): PlatformChoice {
  const result: PlatformChoice = {};
  if (choice.os) result.os = normalizeOs(choice.os);
  const rawVariant = choice.variant ?? "";
  if (choice.architecture) {
    const n = normalizeArchitecture(choice.architecture, rawVariant);
    result.architecture = n.architecture;
    let variant = n.variant;
    if (variant === "" && rawVariant !== "") {
      // libimage puts a dropped variant back and normalizes once more, so `arm64/v8`
      // survives while `amd64/v1` does not.
      variant = normalizeArchitecture(n.architecture, rawVariant).variant;
      if (variant === "" && n.architecture === "arm64") variant = "v8";
    }
    if (variant !== "") result.variant = variant;
  } else if (rawVariant !== "") {
    result.variant = rawVariant.toLowerCase();
  }
  return result;
}
