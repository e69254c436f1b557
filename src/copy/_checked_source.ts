/**
 * A source whose manifests pass the copy's {@linkcode SourcePolicy} before the copy sees
 * them: the one place the signature policy enters the copy engine.
 *
 * @module
 */
import type { ImageSource, ManifestBytes, TransportContext } from "../transports/types.ts";
import { isManifestListType, type SourceVerification } from "../types/mod.ts";
import type { SourcePolicy } from "./copy_options.ts";

/** A source wrapped by {@linkcode checkedSource}, and what its checks verified. */
export interface CheckedSource {
  /** The source; its manifests are checked as they are read. */
  source: ImageSource;
  /** What the check of the manifest `digest` verified, if it verified signatures. */
  verification(digest: string): Promise<SourceVerification | undefined>;
}

/**
 * Wraps `source` so that each manifest read is checked by `policy`: instances always, the
 * top-level manifest when it is an image or when the whole list is copied (`all`).
 */
export function checkedSource(
  source: ImageSource,
  policy: SourcePolicy | undefined,
  all: boolean,
  context: TransportContext,
): CheckedSource {
  if (policy === undefined) return { source, verification: () => Promise.resolve(undefined) };
  const checked = new Map<string, Promise<SourceVerification | undefined>>();
  const check = (manifest: ManifestBytes, instanceDigest?: string): Promise<unknown> => {
    let done = checked.get(manifest.digest);
    if (done === undefined) {
      done = (async () => {
        // An instance read from elsewhere is checked under its own location's scope.
        const origin = instanceDigest === undefined
          ? undefined
          : await source.instanceSource?.(instanceDigest);
        return (await policy.checkSource(origin ?? source, manifest, context)) ?? undefined;
      })();
      checked.set(manifest.digest, done);
    }
    return done;
  };
  return {
    source: {
      reference: source.reference,
      verifiesBlobs: source.verifiesBlobs,
      // Blob capabilities pass through: the policy checks manifests only.
      uncompressedSize: source.uncompressedSize?.bind(source),
      blobFile: source.blobFile?.bind(source),
      async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
        const manifest = await source.getManifest(instanceDigest);
        if (instanceDigest !== undefined || all || !isManifestListType(manifest.mediaType)) {
          await check(manifest, instanceDigest);
        }
        return manifest;
      },
      getBlob: (blob, options) => source.getBlob(blob, options),
      close: () => source.close(),
    },
    verification: (digest) => checked.get(digest) ?? Promise.resolve(undefined),
  };
}
