/**
 * Pushing a stored manifest list: one instance (`system`), all of them (`all`), or the
 * chosen ones under a list that names only them (`specific`).
 *
 * @module
 */
import { copyBetween } from "../copy/mod.ts";
import { digestBytes } from "../digest/mod.ts";
import { ManifestUnknownError } from "../errors.ts";
import { parseIndex, serializeIndex } from "../manifest/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import type { ImageReference } from "../transports/types.ts";
import { MediaType } from "../types/mod.ts";
import { parseQualified, pinnedReference } from "./_manifest_list_refs.ts";
import { withInstanceSources } from "./_list_instance_sources.ts";
import type { OperationContext } from "./context.ts";
import type { ManifestListPushOptions, RegistryAccessOptions } from "./manifest_list_options.ts";
import { checkSignable, signWritten } from "../trust/mod.ts";
import { transportContext } from "./_pull_copy.ts";

const LIST_OF: Record<string, string> = {
  [MediaType.DockerManifest]: MediaType.DockerManifestList,
  [MediaType.OciManifest]: MediaType.OciIndex,
};
const INSTANCE_OF: Record<string, string> = {
  [MediaType.DockerManifestList]: MediaType.DockerManifest,
  [MediaType.OciIndex]: MediaType.OciManifest,
};

/** The destination of a push: a transport reference, else a `docker://` name. */
function destinationOf(
  ctx: OperationContext,
  dest: string,
  options: RegistryAccessOptions,
): ImageReference {
  if (dest === "") throw new TypeError("Cannot push a manifest list: no destination given");
  return parseQualified(ctx, dest, options) ??
    parseQualified(ctx, `docker://${dest}`, options)!;
}

/** Pushes the list `record` to `dest`; returns the digest of the manifest written. */
export async function pushList(
  ctx: OperationContext,
  record: ImageRecord,
  dest: string,
  options: ManifestListPushOptions,
): Promise<string> {
  const destination = destinationOf(ctx, dest, options);
  const selection = options.selection ?? "system";
  if (!["system", "all", "specific"].includes(selection)) {
    throw new RangeError(`Cannot push with image list selection "${selection}"`);
  }
  let source: ImageReference = withInstanceSources(
    ctx,
    ctx.storage.parse(`@${record.id}`),
    record.instanceSources ?? {},
    options,
  );
  if (selection === "specific") {
    const bytes = await ctx.store.readBlobBytes(record.manifestDigest);
    const index = parseIndex(bytes, { what: record.manifestDigest }).index;
    const wanted = new Set(options.instances ?? []);
    for (const digest of wanted) {
      if (!index.manifests.some((entry) => entry.digest === digest)) {
        throw new ManifestUnknownError(`${digest} (not in manifest list ${record.id})`);
      }
    }
    const filtered = { ...index, manifests: index.manifests.filter((e) => wanted.has(e.digest)) };
    const edited = serializeIndex(filtered);
    source = pinnedReference(source, {
      bytes: edited,
      mediaType: record.manifestMediaType,
      digest: digestBytes(edited).toString(),
    });
  }
  let manifestType = options.manifestType;
  if (manifestType !== undefined) {
    manifestType = selection === "system"
      ? INSTANCE_OF[manifestType] ?? manifestType
      : LIST_OF[manifestType] ?? manifestType;
  }
  const signers = options.signers ?? [];
  if (signers.length > 0) {
    if (ctx.signatures === undefined) {
      throw new TypeError("Cannot sign: the runtime has no signature locations");
    }
    await checkSignable(destination, signers, ctx.signatures);
  }
  const context = transportContext(ctx, options);
  if (options.chunkSize !== undefined) context.uploadChunkSize = options.chunkSize;
  const result = await copyBetween(source, destination, {
    sourcePolicy: await ctx.trust?.(),
    context,
    platform: ctx.platform,
    all: selection !== "system",
    compressionFormat: options.compressionFormat,
    manifestType,
    signal: options.signal,
    retries: options.retries,
    retryDelayMs: options.retryDelayMs,
  });
  if (signers.length > 0) {
    await signWritten(
      destination,
      result,
      signers,
      ctx.signatures!,
      transportContext(ctx, options),
      options.signIdentity,
    );
  }
  return result.manifestDigest;
}
