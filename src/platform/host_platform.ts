/**
 * The platform of the machine stevedore runs on.
 *
 * @module
 */
import { hostMachine } from "../fs/process.ts";
import type { Platform } from "../types/mod.ts";
import type { PlatformChoice } from "./normalize_platform.ts";

const NODE_ARCHES: Readonly<Record<string, string>> = {
  x64: "amd64",
  ia32: "386",
  arm: "arm",
  arm64: "arm64",
  s390x: "s390x",
  s390: "s390",
  riscv64: "riscv64",
  loong64: "loong64",
  mips: "mips",
  mipsel: "mipsle",
  mips64: "mips64",
  mips64el: "mips64le",
  ppc: "ppc",
};

const NODE_OSES: Readonly<Record<string, string>> = {
  win32: "windows",
  sunos: "solaris",
  cygwin: "windows",
};

/** What {@linkcode platformFromNode} needs to know about a machine. */
export interface NodeMachine {
  /** `os.platform()`: `linux`, `darwin`, `win32`, ... */
  platform: string;
  /** `os.arch()`: `x64`, `arm64`, `arm`, `ia32`, ... */
  arch: string;
  /** `os.endianness()`, which tells `ppc64` from `ppc64le`. @default "LE" */
  endianness?: "BE" | "LE";
  /** `os.release()`, the Windows version on Windows. */
  release?: string;
}

/**
 * The platform of a machine described in `node:os` terms. 32-bit arm is taken to be
 * `v7`, and 64-bit arm gets no variant (`v8`), since `node:os` does not tell.
 *
 * @example
 * ```ts
 * import { platformFromNode } from "./host_platform.ts";
 * platformFromNode({ platform: "linux", arch: "x64" }); // { os: "linux", architecture: "amd64" }
 * ```
 */
export function platformFromNode(machine: NodeMachine): Platform {
  const os = NODE_OSES[machine.platform] ?? machine.platform;
  let architecture = NODE_ARCHES[machine.arch] ?? machine.arch;
  if (machine.arch === "ppc64") {
    architecture = (machine.endianness ?? "LE") === "LE" ? "ppc64le" : "ppc64";
  }
  const result: Platform = { os, architecture };
  if (architecture === "arm") result.variant = "v7";
  if (os === "windows" && machine.release) result["os.version"] = machine.release;
  return result;
}

/**
 * The platform of the machine this code runs on (see `hostMachine`); `linux/amd64` on a
 * runtime that cannot tell (an edge runtime).
 *
 * @example
 * ```ts
 * import { hostPlatform } from "./host_platform.ts";
 * console.log(hostPlatform()); // e.g. { os: "linux", architecture: "amd64" }
 * ```
 */
export function hostPlatform(): Platform {
  const machine = hostMachine();
  return machine === undefined ? { os: "linux", architecture: "amd64" } : platformFromNode(machine);
}

/**
 * The platform whose images this machine runs by default: the host's, except that macOS
 * runs Linux images (in a virtual machine).
 */
export function defaultPlatform(): Platform {
  const host = hostPlatform();
  return host.os === "darwin" ? { ...host, os: "linux" } : host;
}

/**
 * Fills the missing parts of a requested platform from `defaults`: a missing os or
 * architecture is the default's; the default's variant is used only with its
 * architecture.
 *
 * @example
 * ```ts
 * import { completePlatform } from "./host_platform.ts";
 * completePlatform({ architecture: "arm64" }, { os: "linux", architecture: "amd64" });
 * // { os: "linux", architecture: "arm64" }
 * ```
 */
export function completePlatform(
  choice: PlatformChoice,
  defaults: Platform = defaultPlatform(),
): Platform {
  const result: Platform = {
    os: choice.os || defaults.os,
    architecture: choice.architecture || defaults.architecture,
  };
  if (choice.variant) result.variant = choice.variant;
  else if (!choice.architecture && defaults.variant) result.variant = defaults.variant;
  return result;
}
