/**
 * Where the user's configuration, cache and data live (XDG base directories), computed
 * from an injected environment rather than the process's.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";

/** The environment, home directory and user ID that path defaults are computed from. */
export interface PathContext {
  /** Environment variables (`XDG_*`, `HOME`-style overrides, ...). */
  env: Record<string, string | undefined>;
  /** The user's home directory. */
  homeDir: string;
  /** The effective user ID; 0 means root (rootful), anything else rootless. */
  uid: number;
}

function xdg(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const value = env[name];
  return value !== undefined && value !== "" ? value : fallback;
}

/** `$XDG_CONFIG_HOME`, else `~/.config`. */
export function configHome(ctx: Pick<PathContext, "env" | "homeDir">): string {
  return xdg(ctx.env, "XDG_CONFIG_HOME", posix.join(ctx.homeDir, ".config"));
}

/** `$XDG_CACHE_HOME`, else `~/.cache`. */
export function cacheHome(ctx: Pick<PathContext, "env" | "homeDir">): string {
  return xdg(ctx.env, "XDG_CACHE_HOME", posix.join(ctx.homeDir, ".cache"));
}

/** `$XDG_DATA_HOME`, else `~/.local/share`. */
export function dataHome(ctx: Pick<PathContext, "env" | "homeDir">): string {
  return xdg(ctx.env, "XDG_DATA_HOME", posix.join(ctx.homeDir, ".local", "share"));
}

/** The value of `name` in `env`, or undefined when unset or empty. */
export function envValue(
  env: Record<string, string | undefined>,
  name: string,
): string | undefined {
  const value = env[name];
  return value === undefined || value === "" ? undefined : value;
}
