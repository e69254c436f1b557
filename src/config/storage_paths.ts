/**
 * Default locations of stevedore's own data.
 *
 * @module
 */
import { posix } from "../fs/posix_path.ts";
import { dataHome, type PathContext } from "./path_context.ts";

/**
 * The default root of the local image store: `/var/lib/stevedore/storage` for root
 * (uid 0), `$XDG_DATA_HOME/stevedore/storage` (default `~/.local/share/stevedore/storage`)
 * for everyone else.
 *
 * @example
 * ```ts
 * import { defaultStorageRoot } from "./storage_paths.ts";
 * defaultStorageRoot({ env: {}, homeDir: "/home/ann", uid: 1000 });
 * // "/home/ann/.local/share/stevedore/storage"
 * ```
 */
export function defaultStorageRoot(ctx: PathContext): string {
  if (ctx.uid === 0) return "/var/lib/stevedore/storage";
  return posix.join(dataHome(ctx), "stevedore", "storage");
}
