/**
 * Which manifest type a copy writes: the forced one, the source's own, or its OCI/Docker
 * counterpart, as the destination accepts.
 *
 * @module
 */
import { UnsupportedTransportError } from "../errors.ts";
import { isImageManifestType, isManifestListType, MediaType } from "../types/mod.ts";

/** The OCI/Docker counterpart of each manifest and list type. */
const COUNTERPART: Readonly<Record<string, string>> = {
  [MediaType.OciManifest]: MediaType.DockerManifest,
  [MediaType.DockerManifest]: MediaType.OciManifest,
  [MediaType.OciIndex]: MediaType.DockerManifestList,
  [MediaType.DockerManifestList]: MediaType.OciIndex,
};

/**
 * The manifest type to write for a source manifest of `sourceType`: the forced one, else
 * the source's own when accepted, else its OCI/Docker counterpart when accepted.
 */
export function chooseManifestType(
  sourceType: string,
  supported: readonly string[],
  forced: string | undefined,
  destination: string,
): string {
  const list = isManifestListType(sourceType);
  if (forced !== undefined) {
    if (!isImageManifestType(forced) && !isManifestListType(forced)) {
      throw new TypeError(`Cannot convert a manifest to unsupported type "${forced}"`);
    }
    // A forced image type names the family of a list, and a forced list type the family
    // of its instances.
    let wanted: string = forced;
    if (list && isImageManifestType(forced)) wanted = listTypeFor(forced);
    if (!list && isManifestListType(forced)) {
      wanted = forced === MediaType.DockerManifestList
        ? MediaType.DockerManifest
        : MediaType.OciManifest;
    }
    if (supported.length > 0 && !supported.includes(wanted)) {
      throw new UnsupportedTransportError(
        destination,
        `the destination does not accept manifest type ${wanted}`,
      );
    }
    return wanted;
  }
  if (supported.length === 0 || supported.includes(sourceType)) return sourceType;
  const other = COUNTERPART[sourceType];
  if (other !== undefined && supported.includes(other)) return other;
  throw new UnsupportedTransportError(
    destination,
    `the destination accepts none of ${sourceType}${other ? ` or ${other}` : ""}`,
  );
}

/** The list type of the family of an image manifest type. */
export function listTypeFor(manifestType: string): string {
  return manifestType === MediaType.DockerManifest
    ? MediaType.DockerManifestList
    : MediaType.OciIndex;
}
