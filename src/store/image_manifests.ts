/**
 * Which manifest of a stored image a name or a digest resolves to. An image keeps every
 * manifest it was written with (libimage keeps all of an image's digests), and each name
 * keeps resolving to the manifest it was written with; records of earlier versions, with
 * one manifest only, read the same way.
 *
 * @example
 * ```ts ignore
 * import { imageManifests, manifestOfName } from "./image_manifests.ts";
 * const record = await store.imageByName("docker.io/library/alpine:latest");
 * for (const manifest of imageManifests(record)) console.log(manifest.digest);
 * console.log(manifestOfName(record, "docker.io/library/alpine:latest").digest);
 * ```
 *
 * @module
 */
import type { ImageRecord, StoredImageManifest } from "./types.ts";

/**
 * Every manifest of `record`, the current one first. A record of an earlier version (or a
 * manifest list) has only its current one; its size is -1 when the record does not know it.
 */
export function imageManifests(record: ImageRecord): StoredImageManifest[] {
  if (!record.isManifestList && record.manifests !== undefined && record.manifests.length > 0) {
    return record.manifests.map((m) => ({ ...m, layers: [...m.layers] }));
  }
  return [{
    digest: record.manifestDigest,
    mediaType: record.manifestMediaType,
    size: record.manifestSize ?? -1,
    layers: record.isManifestList ? [] : [...record.layers],
  }];
}

/** The manifest of `record` with digest `digest`, if it is one of the image's manifests. */
export function manifestByDigest(
  record: ImageRecord,
  digest: string,
): StoredImageManifest | undefined {
  return imageManifests(record).find((manifest) => manifest.digest === digest);
}

/**
 * The manifest the name `name` of `record` resolves to: the one it was written with, or
 * the current one for a name given later (a tag) or recorded by an earlier version.
 */
export function manifestOfName(record: ImageRecord, name: string): StoredImageManifest {
  const manifests = imageManifests(record);
  const digest = record.nameDigests?.[name];
  return manifests.find((manifest) => manifest.digest === digest) ?? manifests[0];
}

/**
 * The image a list record wraps (an image converted to a list in place, as libimage's
 * ConvertToManifestList does) seen as an image record whose manifest is `digest`, when
 * `digest` is one of the image manifests the record kept; `undefined` otherwise.
 */
export function wrappedImage(record: ImageRecord, digest: string): ImageRecord | undefined {
  if (!record.isManifestList || record.layers.length === 0) return undefined;
  const manifest = record.manifests?.find((m) => m.digest === digest);
  if (manifest === undefined) return undefined;
  return {
    ...record,
    isManifestList: false,
    manifestDigest: manifest.digest,
    manifestMediaType: manifest.mediaType,
    ...(manifest.size >= 0 ? { manifestSize: manifest.size } : {}),
  };
}
