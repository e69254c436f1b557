/**
 * What a load reads from an extracted OCI archive (it holds `index.json`): every entry of
 * the layout, named by its ref name, each checked against the extracted bytes (digests,
 * sizes, the layers' diff IDs where the extraction learned them) before anything is
 * stored. The store may take the extracted blobs as they are (`ImageSource.blobFile`).
 *
 * @module
 */
import { BlobUnknownError, DigestMismatchError } from "../../errors.ts";
import { configDiffIds, parseImageConfig, parseIndex, parseManifest } from "../../manifest/mod.ts";
import { chooseInstance } from "../../platform/mod.ts";
import { type Descriptor, isConfigType } from "../../types/mod.ts";
import { checkMetadataSize } from "../_tar/mod.ts";
import { requireMarks } from "../_payload.ts";
import type {
  BlobFile,
  BlobInfo,
  ExtractedPayload,
  ImageReference,
  ListedImage,
  ListPayloadOptions,
} from "../types.ts";
import { listLayoutEntries, ociTransport } from "../oci/mod.ts";

/** The archive path of blob `digest` in an OCI layout. */
function layoutBlobPath(digest: string): string {
  const [algorithm, hex] = digest.split(":");
  return `blobs/${algorithm}/${hex}`;
}

/** The extracted file of an OCI blob, when it was hashed and matches its digest. */
function layoutBlobFile(payload: ExtractedPayload, blob: BlobInfo): Promise<BlobFile | undefined> {
  const path = layoutBlobPath(blob.digest);
  const { files } = payload;
  const verified = files.has(path) && files.digestOf(path) === blob.digest;
  return Promise.resolve(verified ? payload.blobFile(path) : undefined);
}

/** The images of an extracted OCI archive (see `Transport.listArchiveImages`). */
export async function listArchiveImages(
  payload: ExtractedPayload,
  options: ListPayloadOptions,
): Promise<ListedImage[]> {
  const what = `oci-archive:${payload.path}`;
  requireMarks(payload, "oci-archive", ["index.json"]);
  const { files } = payload;
  if (files.has("index.json")) checkMetadataSize(what, "index.json", files.size("index.json"));
  const images = await listLayoutEntries(
    ociTransport,
    payload.fs,
    files.root,
    what,
    (blob) => layoutBlobFile(payload, blob),
  );
  return images.map((image) => ({
    ...image,
    check: () => checkLayoutImage(payload, options, image.reference),
  }));
}

/**
 * Checks that the manifest an OCI entry resolves to (for the platform, in an index) lists
 * only blobs the archive holds, with the right size and digest.
 */
async function checkLayoutImage(
  payload: ExtractedPayload,
  options: ListPayloadOptions,
  reference: ImageReference,
): Promise<void> {
  const source = await reference.newSource(options.context);
  try {
    const what = reference.toString();
    let manifest = await source.getManifest();
    let parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    if (parsed.kind === "index") {
      const entry = chooseInstance(parseIndex(manifest.bytes).index, options.platform);
      if (entry === undefined) return; // The copy reports it, before writing anything.
      checkBlob(payload, entry, what);
      manifest = await source.getManifest(entry.digest);
      parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    }
    if (parsed.kind !== "image") return;
    const { config, layers } = parsed.manifest;
    for (const blob of [config, ...layers]) checkBlob(payload, blob, what);
    if (isConfigType(config.mediaType)) await checkDiffIds(payload, config, layers, what);
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
  payload: ExtractedPayload,
  config: Descriptor,
  layers: Descriptor[],
  what: string,
): Promise<void> {
  const bytes = await payload.files.readFile(layoutBlobPath(config.digest));
  const diffIds = configDiffIds(parseImageConfig(bytes, { what: config.digest }).config, {
    count: layers.length,
    what,
  });
  layers.forEach((layer, i) => {
    const facts = payload.blobFile(layoutBlobPath(layer.digest))?.uncompressed;
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

function checkBlob(payload: ExtractedPayload, blob: Descriptor, what: string): void {
  const path = layoutBlobPath(blob.digest);
  const { files } = payload;
  if (!files.has(path)) throw new BlobUnknownError(`${what}@${blob.digest}`);
  const size = files.size(path);
  const digest = blob.digest.startsWith("sha256:") ? files.digestOf(path) : undefined;
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
