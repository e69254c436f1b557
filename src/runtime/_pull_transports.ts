/**
 * Pulling from transports other than registries: what the image is called in the store
 * (an archive's tags, an OCI ref name, or only its ID for path transports).
 *
 * @module
 */
import { TooLargeError } from "../errors.ts";
import { loadLimits } from "./_load_limits.ts";
import { normalizeName, parseNormalizedName } from "../reference/mod.ts";
import type { ImageRecord } from "../store/types.ts";
import {
  type DockerArchiveReference,
  listDockerArchiveImages,
  selectArchiveImage,
} from "../transports/docker_archive/mod.ts";
import { listOciArchiveImages, type OciArchiveReference } from "../transports/oci_archive/mod.ts";
import type { OciReference } from "../transports/oci/mod.ts";
import type { ImageReference } from "../transports/types.ts";
import type { Platform } from "../types/mod.ts";
import { copyIntoStore, sourceImageId, transportContext } from "./_pull_copy.ts";
import type { OperationContext } from "./context.ts";
import type { PullOptions } from "./pull_options.ts";

/** The storage names an image from `reference` gets; empty means "by ID only". */
async function storageNames(ctx: OperationContext, reference: ImageReference): Promise<string[]> {
  switch (reference.transport.name) {
    case "oci": {
      const refName = (reference as OciReference).refName;
      return refName ? [parseNormalizedName(refName).tagNameOnly().toString()] : [];
    }
    case "oci-archive": {
      const archive = reference as OciArchiveReference;
      const entries = await listOciArchiveImages(ctx.fs, archive.path);
      const entry = archive.refName === undefined
        ? (entries.length === 1 ? entries[0] : undefined)
        : entries.find((candidate) => candidate.refName === archive.refName);
      const name = entry?.containerdName ?? entry?.refName;
      return name ? [normalizeName(name).toString()] : [];
    }
    case "docker-archive": {
      const archive = reference as DockerArchiveReference;
      const images = await listDockerArchiveImages(ctx.fs, archive.path);
      const image = selectArchiveImage(
        images,
        { tag: archive.tag, index: archive.index },
        archive.toString(),
      );
      return image.repoTags.map((tag) => normalizeName(tag).toString());
    }
    case "containers-storage": {
      const name = reference.dockerReference;
      return name === undefined ? [] : [name];
    }
    default:
      // Path-based transports may hold characters no reference allows: use the ID.
      return [];
  }
}

/** Copies the image at `reference` into the store; one record per storage name. */
export async function pullFromTransport(
  ctx: OperationContext,
  reference: ImageReference,
  platform: Platform,
  options: PullOptions,
): Promise<ImageRecord[]> {
  const names = await storageNames(ctx, reference);
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
