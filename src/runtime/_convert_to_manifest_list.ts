/**
 * `Runtime.convertToManifestList` (libimage's `Image.ConvertToManifestList`): a stored
 * image becomes, in the same record, a list whose only instance is the image: a Docker
 * list for a Docker image, an OCI index for an OCI one. The record keeps its ID, names,
 * layers and manifests, so the image's own manifest stays reachable (a lookup of the name
 * still finds the image for the platform; `push` with `selection: "all"` sends both).
 *
 * @module
 */
import { digestBytes } from "../digest/mod.ts";
import { ImageNotFoundError, InvalidManifestError } from "../errors.ts";
import { addInstance, createIndex, parseImageConfig, serializeIndex } from "../manifest/mod.ts";
import { streamOf } from "../streams/mod.ts";
import { type Descriptor, isDockerType, MediaType, type Platform } from "../types/mod.ts";
import type { OperationContext } from "./context.ts";
import { ManifestList } from "./manifest_list.ts";

/**
 * Wraps the image `name` refers to in a list inside its own record, and returns the list;
 * a name that already refers to a list returns that list unchanged.
 *
 * @throws {ImageNotFoundError} when nothing matches.
 * @throws {InvalidManifestError} for a Docker schema 1 image, which no list can hold.
 */
export async function convertToManifestList(
  ctx: OperationContext,
  name: string,
): Promise<ManifestList> {
  const found = await ctx.lookup(name, { manifestList: true });
  const id = found.image.id;
  const store = ctx.store;
  await store.withLock(async () => {
    const record = await store.imageById(id);
    if (record === undefined) throw new ImageNotFoundError(name);
    if (record.isManifestList) return;
    const type = record.manifestMediaType;
    if (type !== MediaType.OciManifest && type !== MediaType.DockerManifest) {
      throw new InvalidManifestError(name, `a ${type} image cannot be wrapped in a list`);
    }
    const manifest = await store.readBlobBytes(record.manifestDigest);
    const config = parseImageConfig(await store.readBlobBytes(`sha256:${record.id}`), {
      what: `sha256:${record.id}`,
    }).config;
    const platform: Platform = { architecture: config.architecture, os: config.os };
    if (config.variant) platform.variant = config.variant;
    if (config["os.version"]) platform["os.version"] = config["os.version"];
    if (config["os.features"]?.length) platform["os.features"] = [...config["os.features"]];
    const instance: Descriptor = {
      mediaType: type,
      digest: record.manifestDigest,
      size: manifest.length,
      platform,
    };
    const listType = isDockerType(type) ? MediaType.DockerManifestList : MediaType.OciIndex;
    const bytes = serializeIndex(addInstance(createIndex(listType), instance));
    const digest = digestBytes(bytes).toString();
    await store.putBlob(digest, bytes.length, streamOf(bytes));
    await store.replaceManifest(record.id, digest, listType);
  });
  return new ManifestList(ctx, id);
}
