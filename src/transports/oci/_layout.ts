/**
 * The OCI image layout on disk (`oci-layout`, `index.json`, `blobs/<alg>/<hex>`): paths,
 * index reading and editing, and blob writing with a rename into place.
 *
 * @module
 */
import { type FileSystem, isNotFound, writeFileAtomic } from "../../fs/mod.ts";
import { InvalidArchiveError, InvalidDigestError } from "../../errors.ts";
import { Annotation, type Descriptor, type ImageIndex, MediaType } from "../../types/mod.ts";
import { parseJsonObject } from "../_manifest_type.ts";
import {
  hasLayoutBlob as hasStoredLayoutBlob,
  layoutBlobPath,
  writeLayoutBlob as writeStoreLayoutBlob,
  writeLayoutMarker,
} from "../../store/oci_layout.ts";

export { OCI_LAYOUT_CONTENT } from "../../store/oci_layout.ts";

const HEX_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };

/**
 * Splits a digest into algorithm and hex, refusing anything that is not a well-formed
 * sha256/sha512 digest (so a digest can never name a path outside `blobs/`).
 */
export function splitDigest(digest: string): { algorithm: string; hex: string } {
  const colon = digest.indexOf(":");
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = HEX_LENGTHS[algorithm];
  if (colon < 0 || length === undefined) {
    throw new InvalidDigestError(digest, "UnsupportedAlgorithm", "unsupported digest algorithm");
  }
  if (hex.length !== length || !/^[0-9a-f]+$/.test(hex)) {
    throw new InvalidDigestError(digest, "InvalidHex", `expected ${length} lowercase hex digits`);
  }
  return { algorithm, hex };
}

/** The path of the blob `digest` inside the layout at `dir`. */
export function blobPath(dir: string, digest: string): string {
  splitDigest(digest); // sha256 and sha512 only
  return layoutBlobPath(dir, digest);
}

/** Reads and checks `index.json`; `undefined` when the layout has none. */
export async function readIndex(
  fs: FileSystem,
  dir: string,
  what: string,
): Promise<ImageIndex | undefined> {
  let bytes: Uint8Array;
  try {
    bytes = await fs.readFile(`${dir}/index.json`);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
  const doc = parseJsonObject(bytes, `${what}/index.json`);
  if (!Array.isArray(doc.manifests)) {
    throw new InvalidArchiveError(what, "Format", "index.json has no manifests array");
  }
  for (const entry of doc.manifests as unknown[]) {
    const desc = entry as Partial<Descriptor> | null;
    if (
      typeof desc !== "object" || desc === null || typeof desc.digest !== "string" ||
      typeof desc.size !== "number" || typeof desc.mediaType !== "string"
    ) {
      throw new InvalidArchiveError(what, "Format", "index.json has an invalid descriptor");
    }
    splitDigest(desc.digest);
  }
  return doc as unknown as ImageIndex;
}

/** Reads `index.json`, failing with `Missing` when there is none. */
export async function requireIndex(fs: FileSystem, dir: string, what: string): Promise<ImageIndex> {
  const index = await readIndex(fs, dir, what);
  if (index === undefined) {
    throw new InvalidArchiveError(what, "Missing", "no index.json: not an OCI image layout");
  }
  return index;
}

/** The ref name of an index entry (`org.opencontainers.image.ref.name`), if any. */
export function refNameOf(desc: Descriptor): string | undefined {
  return desc.annotations?.[Annotation.RefName] || undefined;
}

/**
 * Adds `desc` to `index` as containers/image does: its ref name is taken away from every
 * other entry; an unnamed entry with the same digest is replaced; else it is appended.
 */
export function addToIndex(index: ImageIndex, desc: Descriptor): ImageIndex {
  const name = refNameOf(desc);
  const manifests = index.manifests.map((entry) => {
    if (name === undefined || refNameOf(entry) !== name) return entry;
    const annotations = { ...entry.annotations };
    delete annotations[Annotation.RefName];
    const copy: Descriptor = { ...entry, annotations };
    if (Object.keys(annotations).length === 0) delete copy.annotations;
    return copy;
  });
  const same = manifests.findIndex((entry) =>
    entry.digest === desc.digest && refNameOf(entry) === undefined
  );
  if (same >= 0) manifests[same] = desc;
  else manifests.push(desc);
  return { ...index, manifests };
}

/** Writes `oci-layout` (if missing) and `index.json`, each atomically. */
export async function writeIndex(fs: FileSystem, dir: string, index: ImageIndex): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await writeLayoutMarker(fs, dir);
  await writeFileAtomic(fs, `${dir}/index.json`, JSON.stringify(index));
}

/** The `index.json` entry of a top-level manifest, named `refName` when given. */
export function indexEntry(
  manifest: { mediaType: string; digest: string; bytes: Uint8Array },
  refName: string | undefined,
): Descriptor {
  const entry: Descriptor = {
    mediaType: manifest.mediaType,
    digest: manifest.digest,
    size: manifest.bytes.length,
  };
  if (refName !== undefined) entry.annotations = { [Annotation.RefName]: refName };
  return entry;
}

/** An empty index to start a new layout with. */
export function emptyIndex(): ImageIndex {
  return { schemaVersion: 2, manifests: [] };
}

/** Tells whether the layout at `dir` holds `digest` (with `size`, unless it is -1). */
export function hasLayoutBlob(
  fs: FileSystem,
  dir: string,
  digest: string,
  size: number,
): Promise<boolean> {
  splitDigest(digest);
  return hasStoredLayoutBlob(fs, dir, digest, size);
}

/**
 * Writes a blob into the layout: streamed to a temporary file, checked against `digest`
 * (and `size` unless -1), then renamed into place. Nothing is left behind on failure.
 */
export function writeLayoutBlob(
  fs: FileSystem,
  dir: string,
  digest: string,
  size: number,
  stream: ReadableStream<Uint8Array>,
  signal?: AbortSignal,
  options: { verified?: boolean } = {},
): Promise<void> {
  splitDigest(digest);
  return writeStoreLayoutBlob(fs, dir, digest, size, stream, {
    signal,
    verified: options.verified,
  });
}

/** The media types an OCI layout destination accepts. */
export const OCI_MANIFEST_TYPES: readonly string[] = [MediaType.OciManifest, MediaType.OciIndex];
