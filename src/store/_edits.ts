/**
 * Pure edits of the record list: commit (add or merge), name changes, manifest
 * replacement and deletion. Each returns a new list and never changes its input.
 *
 * @module
 */
import { Digest } from "../digest/digest.ts";
import { ImageNotFoundError } from "../errors.ts";
import { imageManifests } from "./image_manifests.ts";
import { copyRecord } from "./_records.ts";
import { recordBlobs } from "./_maintenance.ts";
import { isManifestListType, type SourceVerification } from "../types/mod.ts";
import {
  type ImageRecord,
  MAX_VERIFICATIONS,
  type NamesChange,
  type NewImage,
  type StoredImageManifest,
} from "./types.ts";

const ID = /^[0-9a-f]{64}$/;

function unique(values: Iterable<string>): string[] {
  return [...new Set(values)];
}

function checkDigest(what: string, digest: string): void {
  if (!Digest.isValid(digest)) throw new TypeError(`${what} is not a valid digest: "${digest}"`);
}

/** Checks a {@linkcode NewImage} given by a caller; throws TypeError when malformed. */
export function checkNewImage(image: NewImage): void {
  if (typeof image.id !== "string" || !ID.test(image.id)) {
    throw new TypeError(`An image ID must be 64 lowercase hex digits, got "${image.id}"`);
  }
  checkDigest("The manifest digest", image.manifestDigest);
  if (typeof image.manifestMediaType !== "string" || image.manifestMediaType === "") {
    throw new TypeError("The manifest media type is required");
  }
  for (const digest of image.extraDigests ?? []) checkDigest("An extra digest", digest);
  if (image.listDigest !== undefined) checkDigest("The list digest", image.listDigest);
  for (const digest of image.layers ?? []) checkDigest("A layer digest", digest);
  for (const digest of image.diffIds ?? []) checkDigest("A diff ID", digest);
  const sizes = image.diffSizes;
  if (sizes !== undefined) {
    if (sizes.length !== (image.diffIds ?? []).length) {
      throw new TypeError("There must be one uncompressed layer size per diff ID");
    }
    if (!sizes.every((size) => Number.isSafeInteger(size) && size >= 0)) {
      throw new TypeError("An uncompressed layer size must be a non-negative integer");
    }
  }
  for (const name of image.names ?? []) checkName(name);
}

function checkName(name: string): void {
  if (typeof name !== "string" || name === "" || /\s/.test(name)) {
    throw new TypeError(`An image name must be a non-empty string without spaces: "${name}"`);
  }
}

/** `record` without the names in `gone` (and without what they resolved to). */
function withoutNames(record: ImageRecord, gone: ReadonlySet<string>): ImageRecord {
  const next = { ...record, names: record.names.filter((name) => !gone.has(name)) };
  if (record.nameDigests !== undefined) {
    next.nameDigests = Object.fromEntries(
      Object.entries(record.nameDigests).filter(([name]) => !gone.has(name)),
    );
  }
  return next;
}

/**
 * Pins each of `names` of the image `record` to its current manifest, and each name of
 * it not pinned yet (given by an earlier version) too, so that a manifest committed
 * later does not change what they resolve to. Lists resolve to their one manifest.
 */
function pinNames(record: ImageRecord, names: readonly string[]): void {
  if (record.isManifestList) return;
  const pinned: Record<string, string> = {};
  for (const name of record.names) {
    pinned[name] = record.nameDigests?.[name] ?? record.manifestDigest;
  }
  for (const name of names) pinned[name] = record.manifestDigest;
  record.nameDigests = pinned;
}

/**
 * The size containers/storage reports for an image: `base` (its config and its layers,
 * uncompressed) plus each of its manifests, the current one twice (c/storage keeps it
 * under its digest and once more as the image's `manifest`).
 */
export function imageSize(base: number, manifests: readonly StoredImageManifest[]): number {
  const total = manifests.reduce((sum, manifest) => sum + Math.max(0, manifest.size), base);
  return total + Math.max(0, manifests[0]?.size ?? 0);
}

/**
 * Gives `names` to the record at `index` of `records` (mutated in place, which the caller
 * owns): other records lose them, and each moves to the front of the owner's history.
 */
function giveNames(records: ImageRecord[], index: number, names: readonly string[]): void {
  if (names.length === 0) return;
  const wanted = new Set(names);
  for (let i = 0; i < records.length; i++) {
    if (i === index) continue;
    const other = records[i];
    if (other.names.some((name) => wanted.has(name))) {
      records[i] = withoutNames(other, wanted);
    }
  }
  const owner = records[index];
  const next: ImageRecord = {
    ...owner,
    names: unique([...owner.names, ...names]),
    namesHistory: unique([...[...names].reverse(), ...owner.namesHistory]),
  };
  pinNames(next, names);
  records[index] = next;
}

/** Options of {@linkcode commitRecord} the store fills in. */
export interface CommitFacts {
  /** The time of the commit, ISO 8601. */
  now: string;
  /** The size of the manifest blob. */
  manifestSize: number;
}

/**
 * Adds `image` to `records`, or merges it into the record with the same ID: the new
 * manifest digest goes first, earlier digests stay, names move to it, `incomplete` is
 * cleared; fields the caller leaves out keep their stored values.
 */
export function commitRecord(
  records: readonly ImageRecord[],
  image: NewImage,
  facts: CommitFacts,
): { records: ImageRecord[]; record: ImageRecord } {
  const next = [...records];
  let index = next.findIndex((record) => record.id === image.id);
  const old = index < 0 ? undefined : next[index];
  const isManifestList = image.isManifestList ?? old?.isManifestList ?? false;
  const layers = [...(image.layers ?? old?.layers ?? [])];
  const diffIds = [...(image.diffIds ?? old?.diffIds ?? [])];
  const record: ImageRecord = {
    id: image.id,
    names: old ? [...old.names] : [],
    namesHistory: old ? [...old.namesHistory] : [],
    digests: unique([
      ...(image.listDigest === undefined ? [] : [image.listDigest]),
      image.manifestDigest,
      ...(image.extraDigests ?? []),
      ...(old?.digests ?? []),
    ]),
    manifestDigest: image.manifestDigest,
    manifestMediaType: image.manifestMediaType,
    manifestSize: facts.manifestSize,
    isManifestList,
    diffIds,
    layers,
    size: image.size ?? old?.size ?? 0,
    created: image.created ?? old?.created ?? "",
    added: old?.added ?? facts.now,
    readOnly: image.readOnly ?? old?.readOnly ?? false,
  };
  if (isManifestList) {
    if (image.size === undefined) record.size = facts.manifestSize;
  } else {
    const current: StoredImageManifest = {
      digest: image.manifestDigest,
      mediaType: image.manifestMediaType,
      size: facts.manifestSize,
      layers: [...layers],
    };
    const earlier = old === undefined || old.isManifestList ? [] : imageManifests(old);
    record.manifests = [current, ...earlier.filter((m) => m.digest !== current.digest)];
    if (old !== undefined && !old.isManifestList) {
      // Names the image had keep resolving to what they were written with.
      record.nameDigests = {};
      for (const name of old.names) {
        record.nameDigests[name] = old.nameDigests?.[name] ?? old.manifestDigest;
      }
    }
    const sameLayers = old !== undefined && old.diffIds.join() === diffIds.join();
    const diffSizes = image.diffSizes ?? (sameLayers ? old?.diffSizes : undefined);
    if (diffSizes !== undefined) record.diffSizes = [...diffSizes];
    if (image.size !== undefined) record.size = imageSize(image.size, record.manifests);
  }
  const platform = image.platform ?? old?.platform;
  if (platform !== undefined) record.platform = { ...platform };
  const verifications = withVerification(old?.verifications, image.verification);
  if (verifications !== undefined) record.verifications = verifications;
  if (index < 0) {
    next.push(record);
    index = next.length - 1;
  } else {
    next[index] = record;
  }
  giveNames(next, index, unique(image.names ?? []));
  return { records: next, record: copyRecord(next[index]) };
}

/** `earlier` with `latest` first (replacing an entry of the same source), bounded. */
function withVerification(
  earlier: readonly SourceVerification[] | undefined,
  latest: SourceVerification | undefined,
): SourceVerification[] | undefined {
  if (latest === undefined) {
    return earlier === undefined ? undefined : structuredClone([...earlier]);
  }
  const kept = (earlier ?? []).filter((v) => v.source !== latest.source);
  return structuredClone([latest, ...kept].slice(0, MAX_VERIFICATIONS));
}

/** Applies a {@linkcode NamesChange} to the record with ID `id`. */
export function changeRecordNames(
  records: readonly ImageRecord[],
  id: string,
  change: NamesChange,
): { records: ImageRecord[]; record: ImageRecord } {
  const next = [...records];
  const index = next.findIndex((record) => record.id === id);
  if (index < 0) throw new ImageNotFoundError(id);
  for (const name of [...(change.add ?? []), ...(change.remove ?? [])]) checkName(name);
  const removed = new Set(change.remove ?? []);
  if (removed.size > 0) next[index] = withoutNames(next[index], removed);
  giveNames(next, index, unique((change.add ?? []).filter((name) => !removed.has(name))));
  return { records: next, record: copyRecord(next[index]) };
}

/**
 * Points the record `id` at another manifest (its digest goes first in `digests`). An
 * image pointed at a list becomes a list that wraps it (libimage's ConvertToManifestList):
 * it keeps its names, layers and manifests, and its blobs are kept as those of the
 * instance its current manifest is.
 */
export function replaceRecordManifest(
  records: readonly ImageRecord[],
  id: string,
  manifestDigest: string,
  manifestMediaType: string,
  manifestSize: number,
  instanceSources?: Record<string, string>,
  instanceBlobs?: Record<string, string[]>,
): { records: ImageRecord[]; record: ImageRecord } {
  checkDigest("The manifest digest", manifestDigest);
  const next = [...records];
  const index = next.findIndex((record) => record.id === id);
  if (index < 0) throw new ImageNotFoundError(id);
  const old = next[index];
  const wraps = !old.isManifestList && isManifestListType(manifestMediaType);
  if (wraps) {
    instanceBlobs = { ...instanceBlobs, [old.manifestDigest]: recordBlobs(old) };
  }
  next[index] = {
    ...old,
    manifestDigest,
    manifestMediaType,
    manifestSize,
    digests: unique([manifestDigest, ...old.digests]),
    ...(old.isManifestList ? { size: manifestSize } : {}),
    ...(wraps ? { isManifestList: true, manifests: imageManifests(old) } : {}),
    ...(instanceSources === undefined ? {} : { instanceSources: { ...instanceSources } }),
    ...(instanceBlobs === undefined ? {} : { instanceBlobs: structuredClone(instanceBlobs) }),
  };
  return { records: next, record: copyRecord(next[index]) };
}

/** Removes the record `id`. */
export function deleteRecord(records: readonly ImageRecord[], id: string): ImageRecord[] {
  const next = records.filter((record) => record.id !== id);
  if (next.length === records.length) throw new ImageNotFoundError(id);
  return next;
}

/**
 * Records the uncompressed layer sizes (and the size they make) of the image `id`, unless
 * it has them already or its layers changed meanwhile.
 */
export function setRecordSizes(
  records: readonly ImageRecord[],
  id: string,
  diffIds: readonly string[],
  diffSizes: readonly number[],
  size: number,
): { records: ImageRecord[]; record: ImageRecord } {
  const next = [...records];
  const index = next.findIndex((record) => record.id === id);
  if (index < 0) throw new ImageNotFoundError(id);
  const old = next[index];
  if (old.diffSizes === undefined && old.diffIds.join() === diffIds.join()) {
    next[index] = { ...old, diffSizes: [...diffSizes], size };
  }
  return { records: next, record: copyRecord(next[index]) };
}
