/**
 * A source whose manifests pass the copy's {@linkcode SourcePolicy} before the copy sees
 * them: the one place the signature policy enters the copy engine.
 *
 * @module
 */
import type { ImageSource, ManifestBytes, TransportContext } from "../transports/types.ts";
import { isManifestListType } from "../types/mod.ts";
import type { SourcePolicy } from "./copy_options.ts";

/**
 * Wraps `source` so that each manifest read is checked by `policy`: instances always, the
 * top-level manifest when it is an image or when the whole list is copied (`all`).
 */
export function checkedSource(
  source: ImageSource,
  policy: SourcePolicy | undefined,
  all: boolean,
  context: TransportContext,
): ImageSource {
  if (policy === undefined) return source;
  const checked = new Map<string, Promise<void>>();
  const check = (manifest: ManifestBytes, instanceDigest?: string): Promise<void> => {
    let done = checked.get(manifest.digest);
    if (done === undefined) {
      done = (async () => {
        // An instance read from elsewhere is checked under its own location's scope.
        const origin = instanceDigest === undefined
          ? undefined
          : await source.instanceSource?.(instanceDigest);
        await policy.checkSource(origin ?? source, manifest, context);
      })();
      checked.set(manifest.digest, done);
    }
    return done;
  };
  return {
    reference: source.reference,
    verifiesBlobs: source.verifiesBlobs,
    async getManifest(instanceDigest?: string): Promise<ManifestBytes> {
      const manifest = await source.getManifest(instanceDigest);
      if (instanceDigest !== undefined || all || !isManifestListType(manifest.mediaType)) {
        await check(manifest, instanceDigest);
      }
      return manifest;
    },
    getBlob: (blob, options) => source.getBlob(blob, options),
    close: () => source.close(),
  };
}
