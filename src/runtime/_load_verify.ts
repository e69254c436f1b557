/**
 * Reading an image once, hashing every blob, before it is copied into the store: what
 * keeps a broken folder payload (an OCI layout, a `dir:` image) out of the store without
 * a staging copy.
 *
 * @module
 */
import { DigestMismatchError } from "../errors.ts";
import { digestingStream } from "../digest/mod.ts";
import { parseIndex, parseManifest } from "../manifest/mod.ts";
import { chooseInstance } from "../platform/mod.ts";
import type { ImageReference, TransportContext } from "../transports/types.ts";
import type { Platform } from "../types/mod.ts";

/**
 * Reads the manifest `reference` resolves to for `platform` and every blob it lists,
 * hashing them; throws `DigestMismatchError` naming the first blob that does not match.
 */
export async function verifyByReading(
  reference: ImageReference,
  context: TransportContext,
  platform: Platform,
): Promise<void> {
  const source = await reference.newSource(context);
  try {
    const what = reference.toString();
    let manifest = await source.getManifest();
    let parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    if (parsed.kind === "index") {
      const entry = chooseInstance(parseIndex(manifest.bytes).index, platform);
      if (entry === undefined) return; // The copy reports it, before writing anything.
      manifest = await source.getManifest(entry.digest);
      parsed = parseManifest(manifest.bytes, { what, contentType: manifest.mediaType });
    }
    if (parsed.kind !== "image") return;
    for (const blob of [parsed.manifest.config, ...parsed.manifest.layers]) {
      if (!blob.digest.startsWith("sha256:")) continue;
      const tap = digestingStream();
      const stream = await source.getBlob({ digest: blob.digest, size: blob.size }, {
        signal: context.signal,
      });
      await stream.pipeThrough(tap).pipeTo(new WritableStream(), { signal: context.signal });
      const { digest, size } = await tap.result;
      if (digest.toString() !== blob.digest || (blob.size >= 0 && size !== blob.size)) {
        throw new DigestMismatchError(
          `${what}@${blob.digest}`,
          blob.digest,
          digest.toString(),
          size,
          blob.size,
        );
      }
    }
  } finally {
    await source.close();
  }
}
