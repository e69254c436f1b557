/**
 * Platforms (os/architecture/variant): parsing and formatting specifiers, normalizing
 * spellings, the host's platform, matching with containerd's compatibility rules, and
 * choosing the right manifest out of an index.
 *
 * @example
 * ```ts
 * import { chooseInstance, parsePlatform } from "./mod.ts";
 * const want = parsePlatform("linux/arm64");
 * const index = {
 *   schemaVersion: 2 as const,
 *   manifests: [{
 *     mediaType: "application/vnd.oci.image.manifest.v1+json",
 *     digest: "sha256:" + "a".repeat(64),
 *     size: 100,
 *     platform: { os: "linux", architecture: "arm64", variant: "v8" },
 *   }],
 * };
 * console.log(chooseInstance(index, want)?.digest);
 * ```
 *
 * @module
 */
export {
  KNOWN_ARCHITECTURES,
  KNOWN_OSES,
  normalizeArchitecture,
  normalizeOs,
  normalizePlatform,
  normalizePlatformChoice,
  type PlatformChoice,
} from "./normalize_platform.ts";
export {
  formatPlatform,
  type FormatPlatformOptions,
  parsePlatform,
  type ParsePlatformOptions,
} from "./parse_platform.ts";
export {
  completePlatform,
  defaultPlatform,
  hostPlatform,
  type NodeMachine,
  platformFromNode,
} from "./host_platform.ts";
export {
  comparePlatforms,
  compatiblePlatforms,
  type MatchOptions,
  platformMatches,
  platformRank,
} from "./platform_matches.ts";
export { chooseInstance, sortInstances } from "./choose_instance.ts";
// The types of lower layers that this module's API names, so that this entry documents them.
export type { Descriptor, ImageIndex, Platform } from "../types/mod.ts";
