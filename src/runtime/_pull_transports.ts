/**
 * Pulling from transports other than registries: the image is stored under the names its
 * location gives it (the `storageNames` capability: an archive's tags, an OCI ref name),
 * or by ID only.
 *
 * @module
 */
import { TooLargeError } from "../errors.ts";
import { loadLimits } from "./_load_limits.ts";
import type { ImageRecord } from "../store/types.ts";
import type { ImageReference } from "../transports/types.ts";
import type { Platform } from "../types/mod.ts";
import { copyIntoStore, sourceImageId, transportContext } from "./_pull_copy.ts";
import type { OperationContext } from "./context.ts";
import type { PullOptions } from "./pull_options.ts";

/** Copies the image at `reference` into the store; one record per storage name. */
export async function pullFromTransport(
  ctx: OperationContext,
  reference: ImageReference,
  platform: Platform,
  options: PullOptions,
): Promise<ImageRecord[]> {
  // Path-based transports may hold characters no reference allows: without a name of its
  // own, the image is stored by ID.
  const names = reference.storageNames
    ? await reference.storageNames(transportContext(ctx, options))
    : [];
  const { maxImages } = loadLimits(ctx, {});
  if (names.length > maxImages) {
    throw new TooLargeError(
      reference.toString(),
      maxImages,
      `the image has ${names.length} names, more than one pull may store`,
    );
  }
  if (names.length === 0) {
    const id = await sourceImageId(reference, transportContext(ctx, options), platform);
    return [await copyIntoStore(ctx, reference, `@${id}`, platform, options)];
  }
  const records: ImageRecord[] = [];
  for (const name of names) {
    records.push(await copyIntoStore(ctx, reference, name, platform, options));
  }
  return records;
}
