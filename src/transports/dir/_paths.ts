/**
 * File names inside a `dir:` folder.
 *
 * @module
 */
import { splitDigest } from "../oci/mod.ts";

/** The content of the `version` file. */
export const DIR_VERSION = "Directory Transport Version: 1.1\n";

/** The file of a blob: its hex digest for sha256, `<alg>-<hex>` otherwise. */
export function dirBlobPath(dir: string, digest: string): string {
  const { algorithm, hex } = splitDigest(digest);
  return `${dir}/${algorithm === "sha256" ? hex : `${algorithm}-${hex}`}`;
}

/** The file of the top manifest, or of the instance `instanceDigest` of a list. */
export function dirManifestPath(dir: string, instanceDigest?: string): string {
  if (instanceDigest === undefined) return `${dir}/manifest.json`;
  const { algorithm, hex } = splitDigest(instanceDigest);
  return `${dir}/${algorithm === "sha256" ? hex : `${algorithm}-${hex}`}.manifest.json`;
}
