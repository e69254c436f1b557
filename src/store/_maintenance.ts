/**
 * Store upkeep: the corruption test lookups use, `check()` (what is damaged) and `gc()`
 * (what is no longer needed).
 *
 * @module
 */
import { Digest } from "../digest/digest.ts";
import { type FileSystem, isNotFound, isOwnerGone, temporaryOwner } from "../fs/mod.ts";
import { blobPath, hasStoredBlob } from "./_blobs.ts";
import { recordProblem } from "./_records.ts";
import { imageManifests } from "./image_manifests.ts";
import { leasedDigests } from "./_leases.ts";
import type { GcOptions, ImageRecord, StoreProblem } from "./types.ts";

/**
 * The blobs a record needs: its manifest, for a list the blobs of its instances that no
 * image holds (artifacts), and for an image its config and layers, and every other
 * manifest it keeps with that manifest's layers.
 */
export function recordBlobs(record: ImageRecord): string[] {
  if (record.isManifestList) {
    const blobs = new Set([record.manifestDigest]);
    for (const digests of Object.values(record.instanceBlobs ?? {})) {
      for (const digest of digests) blobs.add(digest);
    }
    return [...blobs];
  }
  const blobs = new Set([record.manifestDigest, `sha256:${record.id}`, ...record.layers]);
  for (const manifest of imageManifests(record)) {
    blobs.add(manifest.digest);
    for (const layer of manifest.layers) blobs.add(layer);
  }
  return [...blobs];
}

/** Whether `record` is incomplete or misses a blob (checked with `stat` only). */
export async function isRecordCorrupted(
  fs: FileSystem,
  root: string,
  record: ImageRecord,
): Promise<boolean> {
  if (record.incomplete) return true;
  for (const digest of recordBlobs(record)) {
    if (!Digest.isValid(digest) || !await hasStoredBlob(fs, root, digest)) return true;
  }
  return false;
}

/** Whether the stored blob `digest` hashes to its name. */
async function blobIsIntact(fs: FileSystem, root: string, digest: string): Promise<boolean> {
  try {
    const { digestVerifier } = await import("../digest/digest_verifier.ts");
    const stream = await fs.openRead(blobPath(root, digest));
    await stream.pipeThrough(digestVerifier(digest)).pipeTo(new WritableStream());
    return true;
  } catch (error) {
    if ((error as { code?: unknown })?.code === "DigestMismatch") return false;
    throw error;
  }
}

/** Lists the problems of `records` (the index is checked by the store itself). */
export async function checkStore(
  fs: FileSystem,
  root: string,
  records: readonly ImageRecord[],
  options: { verifyBlobs?: boolean },
): Promise<StoreProblem[]> {
  const problems: StoreProblem[] = [];
  const verified = new Map<string, boolean>();
  for (const record of records) {
    const problem = recordProblem(record, true);
    if (problem !== undefined) {
      problems.push({ imageId: record.id, kind: "bad-record", message: `Bad record: ${problem}` });
      continue;
    }
    if (record.incomplete) {
      problems.push({
        imageId: record.id,
        kind: "incomplete",
        message: `Image ${record.id} was not completely written`,
      });
    }
    for (const digest of recordBlobs(record)) {
      if (!await hasStoredBlob(fs, root, digest)) {
        problems.push({
          imageId: record.id,
          digest,
          kind: "missing-blob",
          message: `Image ${record.id} misses blob ${digest}`,
        });
        continue;
      }
      if (!options.verifyBlobs) continue;
      let intact = verified.get(digest);
      if (intact === undefined) verified.set(digest, intact = await blobIsIntact(fs, root, digest));
      if (!intact) {
        problems.push({
          imageId: record.id,
          digest,
          kind: "corrupt-blob",
          message: `Blob ${digest} of image ${record.id} does not match its digest`,
        });
      }
    }
  }
  return problems;
}

/** The names in folder `path`; none when it is missing. */
export async function listDir(fs: FileSystem, path: string): Promise<string[]> {
  try {
    return await fs.readDir(path);
  } catch (error) {
    if (isNotFound(error)) return [];
    throw error;
  }
}

/**
 * Removes (the caller holds the store lock) every blob that neither a record nor a live
 * writer's lease references, temporary blob files whose writer is dead or that are older
 * than `tmpMaxAgeMs`, and the leftovers of interrupted record writes and lock releases.
 * Returns the removed blobs' digests.
 */
export async function collectGarbage(
  fs: FileSystem,
  root: string,
  records: readonly ImageRecord[],
  options: GcOptions,
): Promise<string[]> {
  const keep = new Set<string>();
  for (const record of records) {
    for (const digest of recordBlobs(record)) keep.add(digest);
    for (const digest of record.digests) keep.add(digest);
  }
  // List first, then read the leases: a writer leases a blob before it appears, so a
  // blob seen in the listing is either unleased garbage or named by a lease read after.
  const candidates: string[] = [];
  for (const algorithm of await listDir(fs, `${root}/blobs`)) {
    for (const hex of await listDir(fs, `${root}/blobs/${algorithm}`)) {
      const digest = `${algorithm}:${hex}`;
      if (!keep.has(digest)) candidates.push(digest);
    }
  }
  const leased = await leasedDigests(fs, root);
  const removed: string[] = [];
  for (const digest of candidates) {
    if (leased.has(digest)) continue;
    const [algorithm, hex] = digest.split(":");
    await fs.remove(`${root}/blobs/${algorithm}/${hex}`);
    removed.push(digest);
  }
  const maxAge = options.tmpMaxAgeMs ?? 3_600_000;
  const now = Date.now();
  for (const name of await listDir(fs, `${root}/tmp`)) {
    const path = `${root}/tmp/${name}`;
    const owner = temporaryOwner(name);
    let old: boolean;
    try {
      old = now - (await fs.stat(path)).mtimeMs > maxAge;
    } catch (error) {
      if (isNotFound(error)) continue;
      throw error;
    }
    if (old || (owner !== undefined && isOwnerGone(owner))) {
      await fs.remove(path, { recursive: true });
    }
  }
  // Records and the index are only written under the lock we hold: any temporary sibling
  // belongs to a writer that was killed; lock directories set aside are dead too.
  for (const name of await listDir(fs, root)) {
    if (
      /^(?:images|index|oci-layout)(?:\.json)?\.tmp-/.test(name) ||
      /^lock\.(?:stale|released)-/.test(name)
    ) {
      await fs.remove(`${root}/${name}`, { recursive: true });
    }
  }
  return removed;
}
