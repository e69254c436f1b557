/**
 * Loading from an archive file: the tar (or tar.gz) is extracted once, into the runtime's
 * temporary folder (the store's `tmp/` by default), every file hashed on the way, flushed,
 * and counted against the byte budget; what a file decompresses to (a layer's diff ID and
 * size) is learned in the same pass (`_load_facts.ts`). The format is then told by what
 * the archive holds (`index.json` for an OCI archive, `manifest.json` or `repositories`
 * for a `docker save` archive), and every image is checked against the extracted bytes
 * (digests, sizes, diff IDs) before anything reaches the store. Nothing is copied twice:
 * the store takes the extracted files by a rename (`ImageSource.blobFile`), each byte read
 * and hashed once; only what cannot be moved (another file system) is streamed.
 *
 * @module
 */
import {
  BlobUnknownError,
  DigestMismatchError,
  ManifestUnknownError,
  TooLargeError,
} from "../errors.ts";
import type { FileSystem } from "../fs/mod.ts";
import { configDiffIds, parseImageConfig, parseIndex, parseManifest } from "../manifest/mod.ts";
import { chooseInstance } from "../platform/mod.ts";
import { normalizeName } from "../reference/mod.ts";
import { checkMetadataSize, type ExtractedArchive, extractTar } from "../transports/_tar/mod.ts";
import { tempPath } from "../transports/_temp.ts";
import { gunzipIfCompressed } from "../transports/_streams.ts";
import {
  DockerArchiveSource,
  dockerArchiveTransport,
  readArchiveImages,
} from "../transports/docker_archive/mod.ts";
import type {
  BlobFile,
  BlobInfo,
  ImageReference,
  ImageSource,
  TransportContext,
} from "../transports/types.ts";
import { type Descriptor, isConfigType, type Platform } from "../types/mod.ts";
import type { ExtractionFacts } from "./_load_facts.ts";
import { layoutEntries } from "./_load_layout.ts";
import type { ByteBudget, LoadLimits } from "./_load_limits.ts";

/** An image found in the payload, and the names it gets. */
export interface PlannedImage {
  /** Reads the image. */
  reference: ImageReference;
  /** The full names to store it under (none: stored by ID). */
  names: string[];
}

/** What a load of one payload needs besides the path. */
export interface ArchiveLoadContext {
  /** The file system of the archive and the temporary folder. */
  fs: FileSystem;
  /** Where the archive is extracted. */
  tmpDir: string;
  /** The transport context the planned references are read with. */
  context: TransportContext;
  /** The platform an index's instance is chosen for. */
  platform: Platform;
  /** The caps. */
  limits: LoadLimits;
  /** Counts the uncompressed bytes the archive expands to. */
  budget: ByteBudget;
  /** What each extracted file decompresses to (learned by {@linkcode extractPayload}). */
  facts: ExtractionFacts;
}

/**
 * Extracts the archive at `path` (or `stream`, named `path`) once into a fresh temporary
 * folder, hashing, flushing and probing every file (see {@linkcode ArchiveLoadContext.facts}).
 */
export async function extractPayload(
  load: ArchiveLoadContext,
  path: string,
  stream?: ReadableStream<Uint8Array>,
): Promise<ExtractedArchive> {
  const { fs, budget, facts } = load;
  const tar = await gunzipIfCompressed(stream ?? await fs.openRead(path), path);
  return await extractTar(fs, tar, tempPath(load.tmpDir, "load"), {
    what: path,
    signal: load.context.signal,
    digest: () => true,
    onBytes: (bytes, entry) => budget.take(bytes, entry),
    observe: (entry) => facts.observe(entry),
    // The store may take the files as they are: they must be on disk for good.
    sync: true,
  });
}

/** The extracted file at `path` as a {@linkcode BlobFile}, with its facts when known. */
function blobFileOf(
  load: ArchiveLoadContext,
  archive: ExtractedArchive,
  path: string,
): BlobFile | undefined {
  const resolved = archive.resolve(path);
  if (resolved === undefined) return undefined;
  const file: BlobFile = {
    fs: load.fs,
    path: archive.realPath(resolved),
    size: archive.size(resolved),
  };
  const uncompressed = load.facts.get(resolved);
  if (uncompressed !== undefined) file.uncompressed = uncompressed;
  return file;
}

/** The archive path of blob `digest` in an OCI layout. */
function layoutBlobPath(digest: string): string {
  const [algorithm, hex] = digest.split(":");
  return `blobs/${algorithm}/${hex}`;
}

/** The extracted file of an OCI blob, when it was hashed and matches its digest. */
function layoutBlobFile(
  load: ArchiveLoadContext,
  archive: ExtractedArchive,
  blob: BlobInfo,
): Promise<BlobFile | undefined> {
  const path = layoutBlobPath(blob.digest);
  const verified = archive.has(path) && archive.digestOf(path) === blob.digest;
  return Promise.resolve(verified ? blobFileOf(load, archive, path) : undefined);
}

function namesOf(name: string | undefined): string[] {
  return name === undefined ? [] : [normalizeName(name).toString()];
}

/** Refuses a payload with more images (each name counting) than the cap. */
export function checkImageCount(what: string, images: PlannedImage[], limits: LoadLimits): void {
  const count = images.reduce((sum, image) => sum + Math.max(1, image.names.length), 0);
  if (count > limits.maxImages) {
    throw new TooLargeError(
      what,
      limits.maxImages,
      `the payload holds ${count} images and names, more than one load may store`,
    );
  }
}

/** Plans (and checks) the images of an extracted OCI archive. */
export async function planOciArchive(
  load: ArchiveLoadContext,
  archive: ExtractedArchive,
  path: string,
): Promise<PlannedImage[]> {
  const what = `oci-archive:${path}`;
  if (archive.has("index.json")) checkMetadataSize(what, "index.json", archive.size("index.json"));
  const entries = await layoutEntries(
    load.fs,
    archive.root,
    what,
    (blob) => layoutBlobFile(load, archive, blob),
  );
  const images = entries.map((entry) => ({
    reference: entry.reference,
    names: namesOf(entry.containerdName ?? entry.refName),
  }));
  checkImageCount(what, images, load.limits);
  for (const image of images) await checkLayoutImage(load, archive, image.reference);
  return images;
}

/**
 * Checks that the manifest an OCI entry resolves to (for the platform, in an index) lists
 * only blobs the archive holds, with the right size and digest.
 */
async function checkLayoutImage(
  load: ArchiveLoadContext,
  archive: ExtractedArchive,
  reference: ImageReference,
): Promise<void> {
  const source = await reference.newSource(load.context);
  try {
    const what = reference.toString();
    let manifest = await source.getManifest();
    let parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    if (parsed.kind === "index") {
      const entry = chooseInstance(parseIndex(manifest.bytes).index, load.platform);
      if (entry === undefined) return; // The copy reports it, before writing anything.
      checkBlob(archive, entry, what);
      manifest = await source.getManifest(entry.digest);
      parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    }
    if (parsed.kind !== "image") return;
    const { config, layers } = parsed.manifest;
    for (const blob of [config, ...layers]) checkBlob(archive, blob, what);
    if (isConfigType(config.mediaType)) await checkDiffIds(load, archive, config, layers, what);
  } finally {
    await source.close();
  }
}

/**
 * Checks the layers whose uncompressed digest the extraction learned against the diff IDs
 * of the image config, as the store will at commit: so a mismatch is refused before any
 * layer reaches the store.
 */
async function checkDiffIds(
  load: ArchiveLoadContext,
  archive: ExtractedArchive,
  config: Descriptor,
  layers: Descriptor[],
  what: string,
): Promise<void> {
  const bytes = await archive.readFile(layoutBlobPath(config.digest));
  const diffIds = configDiffIds(parseImageConfig(bytes, { what: config.digest }).config, {
    count: layers.length,
    what,
  });
  layers.forEach((layer, i) => {
    const resolved = archive.resolve(layoutBlobPath(layer.digest));
    const facts = resolved === undefined ? undefined : load.facts.get(resolved);
    if (facts !== undefined && facts.digest !== diffIds[i]) {
      throw new DigestMismatchError(
        `${what}@${layer.digest} (uncompressed)`,
        diffIds[i],
        facts.digest,
        facts.size,
      );
    }
  });
}

function checkBlob(archive: ExtractedArchive, blob: Descriptor, what: string): void {
  const path = layoutBlobPath(blob.digest);
  if (!archive.has(path)) throw new BlobUnknownError(`${what}@${blob.digest}`);
  const size = archive.size(path);
  const digest = blob.digest.startsWith("sha256:") ? archive.digestOf(path) : undefined;
  if ((digest !== undefined && digest !== blob.digest) || (blob.size >= 0 && size !== blob.size)) {
    throw new DigestMismatchError(
      `${what}/${path}`,
      blob.digest,
      digest ?? blob.digest,
      size,
      blob.size,
    );
  }
}

/** A reference that hands out one source, opened once and shared by every copy of it. */
class HeldSourceReference implements ImageReference {
  readonly transport = dockerArchiveTransport;
  readonly dockerReference: undefined = undefined;
  readonly withinTransport: string;
  readonly #source: ImageSource;

  constructor(withinTransport: string, open: (self: ImageReference) => ImageSource) {
    this.withinTransport = withinTransport;
    this.#source = open(this);
  }

  toString(): string {
    return `docker-archive:${this.withinTransport}`;
  }

  newSource(_context: TransportContext): Promise<ImageSource> {
    return Promise.resolve(this.#source);
  }

  newDestination(_context: TransportContext): Promise<never> {
    return Promise.reject(new TypeError(`${this} is read-only`));
  }
}

/**
 * Plans (and checks) the images of an extracted `docker save` archive: each layer is
 * checked against its diff ID (compressed ones inflated once, counted against the budget).
 */
export async function planDockerArchive(
  load: ArchiveLoadContext,
  archive: ExtractedArchive,
  path: string,
): Promise<PlannedImage[]> {
  const what = `docker-archive:${path}`;
  const found = await readArchiveImages(archive, what);
  const images: PlannedImage[] = [];
  for (const [index, image] of found.entries()) {
    const reference = new HeldSourceReference(
      `${path}:@${index}`,
      (self) =>
        new DockerArchiveSource(self, archive, image, {
          keepFiles: true,
          onInflate: (bytes, entry) => load.budget.take(bytes, entry),
          file: (entry) => blobFileOf(load, archive, entry),
        }),
    );
    images.push({
      reference,
      names: [...new Set(image.repoTags.map((tag) => normalizeName(tag).toString()))],
    });
  }
  checkImageCount(what, images, load.limits);
  for (const image of images) {
    const source = await image.reference.newSource(load.context);
    await source.getManifest();
  }
  if (images.length === 0) throw new ManifestUnknownError(`${what} (the archive holds no image)`);
  return images;
}
