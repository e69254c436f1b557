/**
 * The store's record file (`images.json`): parsing with per-record validation, writing,
 * the in-memory indexes (by ID, name and digest) and the OCI `index.json` derived from it.
 *
 * @module
 */
import { CorruptedError } from "../errors.ts";
import { Annotation, MediaType } from "../types/mod.ts";
import { manifestOfName } from "./image_manifests.ts";
import { type ImageRecord, MAX_VERIFICATIONS, type StoreProblem } from "./types.ts";

/** The version of the `images.json` format this code reads and writes. */
export const RECORDS_VERSION = 1;

/** The `index.json` annotation holding the `images.json` generation it was built from. */
export const GENERATION_ANNOTATION = "io.github.stevedore.store.generation";

const ID = /^[0-9a-f]{64}$/;
/** The digests the store accepts (a fast form of `Digest.isValid`, run on every record). */
const DIGEST = /^(?:sha256:[0-9a-f]{64}|sha512:[0-9a-f]{128})$/;

/** A copy of `record` that shares nothing with it. */
export function copyRecord(record: ImageRecord): ImageRecord {
  const copy: ImageRecord = {
    ...record,
    names: [...record.names],
    namesHistory: [...record.namesHistory],
    digests: [...record.digests],
    diffIds: [...record.diffIds],
    layers: [...record.layers],
  };
  if (record.platform !== undefined) copy.platform = { ...record.platform };
  if (record.instanceSources !== undefined) copy.instanceSources = { ...record.instanceSources };
  if (record.instanceBlobs !== undefined) {
    copy.instanceBlobs = structuredClone(record.instanceBlobs);
  }
  if (record.diffSizes !== undefined) copy.diffSizes = [...record.diffSizes];
  if (record.manifests !== undefined) {
    copy.manifests = record.manifests.map((m) => ({ ...m, layers: [...m.layers] }));
  }
  if (record.nameDigests !== undefined) copy.nameDigests = { ...record.nameDigests };
  if (record.verifications !== undefined) {
    copy.verifications = structuredClone(record.verifications);
  }
  return copy;
}

/** What is wrong with the optional fields of a record (added after version 1 began). */
function laterFieldsProblem(
  r: Partial<Record<keyof ImageRecord, unknown>>,
  thorough: boolean,
): string | undefined {
  if (r.diffSizes !== undefined) {
    const sizes = r.diffSizes;
    if (
      !Array.isArray(sizes) || sizes.length !== (r.diffIds as string[]).length ||
      !sizes.every((size) => Number.isSafeInteger(size) && size >= 0)
    ) return "the uncompressed layer sizes are invalid";
  }
  if (r.manifests !== undefined) {
    if (!Array.isArray(r.manifests) || r.manifests.length === 0) return "manifests are invalid";
    for (const m of r.manifests as Record<string, unknown>[]) {
      if (
        typeof m !== "object" || m === null || typeof m.digest !== "string" ||
        !isDigests([m.digest], thorough) || typeof m.mediaType !== "string" ||
        typeof m.size !== "number" || !isDigests(m.layers, thorough)
      ) return "manifests are invalid";
    }
  }
  if (r.verifications !== undefined && !isVerifications(r.verifications)) {
    return "verifications are invalid";
  }
  if (r.nameDigests !== undefined) {
    const map = r.nameDigests;
    if (typeof map !== "object" || map === null || Array.isArray(map)) {
      return "name digests are invalid";
    }
    for (const digest of Object.values(map)) {
      if (typeof digest !== "string" || !isDigests([digest], thorough)) {
        return "name digests are invalid";
      }
    }
  }
  return undefined;
}

const VERIFICATION_FIELDS = ["source", "manifestDigest", "scope", "verifiedAt"] as const;
const SIGNATURE_FIELDS = ["requirement", "keyFingerprint", "signedIdentity", "location"] as const;

function hasStrings(value: unknown, keys: readonly string[]): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return keys.every((key) => typeof record[key] === "string");
}

/** Whether `value` is a well-formed `verifications` list. */
function isVerifications(value: unknown): boolean {
  return Array.isArray(value) && value.length <= MAX_VERIFICATIONS &&
    value.every((v) =>
      hasStrings(v, VERIFICATION_FIELDS) && Array.isArray(v.signatures) &&
      v.signatures.every((s: unknown) =>
        hasStrings(s, SIGNATURE_FIELDS) &&
        ((s as { keyIdentity?: unknown }).keyIdentity === undefined ||
          typeof (s as { keyIdentity?: unknown }).keyIdentity === "string")
      )
    );
}

function isStrings(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== "string") return false;
  return true;
}

function isDigests(value: unknown, thorough: boolean): value is string[] {
  if (!isStrings(value)) return false;
  if (thorough) { for (const item of value) if (!DIGEST.test(item)) return false; }
  return true;
}

/**
 * What is wrong with a stored record, or `undefined` when it is well-formed. Loading
 * checks the shape only (digests are checked again wherever they name a file); `thorough`
 * also checks every digest's syntax, as `check()` does.
 */
export function recordProblem(value: unknown, thorough = false): string | undefined {
  if (typeof value !== "object" || value === null) return "not an object";
  const r = value as Partial<Record<keyof ImageRecord, unknown>>;
  if (typeof r.id !== "string" || !ID.test(r.id)) return "the ID is not 64 lowercase hex digits";
  if (!isStrings(r.names) || !isStrings(r.namesHistory)) return "names are not strings";
  if (!isDigests(r.digests, thorough) || r.digests.length === 0) {
    return "digests are missing or invalid";
  }
  if (typeof r.manifestDigest !== "string" || !isDigests([r.manifestDigest], thorough)) {
    return "the manifest digest is invalid";
  }
  if (!r.digests.includes(r.manifestDigest)) return "the manifest digest is not among digests";
  if (typeof r.manifestMediaType !== "string") return "the manifest media type is missing";
  if (typeof r.isManifestList !== "boolean") return "isManifestList is not a boolean";
  if (!isDigests(r.layers, thorough) || !isDigests(r.diffIds, thorough)) {
    return "layers are invalid";
  }
  if (typeof r.size !== "number" || typeof r.created !== "string") return "size/created invalid";
  if (typeof r.added !== "string" || typeof r.readOnly !== "boolean") return "added/readOnly";
  if (r.instanceSources !== undefined) {
    const sources = r.instanceSources;
    if (
      typeof sources !== "object" || sources === null || Array.isArray(sources) ||
      !isStrings(Object.values(sources)) || !isDigests(Object.keys(sources), thorough)
    ) return "instance sources are invalid";
  }
  if (r.instanceBlobs !== undefined) {
    const blobs = r.instanceBlobs;
    if (
      typeof blobs !== "object" || blobs === null || Array.isArray(blobs) ||
      !isDigests(Object.keys(blobs), thorough) ||
      !Object.values(blobs).every((digests) => isDigests(digests, true))
    ) return "instance blobs are invalid";
  }
  return laterFieldsProblem(r, thorough);
}

/** What `images.json` held. */
export interface LoadedRecords {
  /** How many times the file was written. */
  generation: number;
  /** The well-formed records, in file order. */
  records: ImageRecord[];
  /** One problem per record that was dropped as malformed. */
  problems: StoreProblem[];
}

/** Parses `images.json`; malformed records are dropped and reported, a bad file throws. */
export function parseRecords(text: string, path: string): LoadedRecords {
  let doc: { version?: unknown; generation?: unknown; images?: unknown };
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new CorruptedError(path, "the image records are not valid JSON", { cause: error });
  }
  if (doc?.version !== RECORDS_VERSION || !Array.isArray(doc.images)) {
    throw new CorruptedError(path, `expected {"version": ${RECORDS_VERSION}, "images": [...]}`);
  }
  const records: ImageRecord[] = [];
  const problems: StoreProblem[] = [];
  const seen = new Set<string>();
  for (const value of doc.images as unknown[]) {
    let problem = recordProblem(value);
    const id = (value as { id?: unknown })?.id;
    if (problem === undefined && seen.has(id as string)) problem = "the ID is used twice";
    if (problem !== undefined) {
      problems.push({
        ...(typeof id === "string" ? { imageId: id } : {}),
        kind: "bad-record",
        message: `Image record dropped: ${problem}`,
      });
      continue;
    }
    seen.add(id as string);
    records.push(value as ImageRecord);
  }
  const generation = typeof doc.generation === "number" ? doc.generation : 0;
  return { generation, records, problems };
}

/** The text of `images.json` for `records`. */
export function serializeRecords(generation: number, records: readonly ImageRecord[]): string {
  return JSON.stringify({ version: RECORDS_VERSION, generation, images: records });
}

/** Lookup tables over a set of records, each built on its first use. */
export class RecordIndex {
  /** The records, in the order they were added. */
  readonly records: readonly ImageRecord[];
  #byId: Map<string, ImageRecord> | undefined;
  #byName: Map<string, ImageRecord> | undefined;
  #byDigest: Map<string, ImageRecord[]> | undefined;

  /** Indexes `records`. */
  constructor(records: readonly ImageRecord[]) {
    this.records = records;
  }

  /** The record with ID `id`. */
  byId(id: string): ImageRecord | undefined {
    if (this.#byId === undefined) {
      this.#byId = new Map();
      for (const record of this.records) this.#byId.set(record.id, record);
    }
    return this.#byId.get(id);
  }

  /** The record holding `name`. */
  byName(name: string): ImageRecord | undefined {
    if (this.#byName === undefined) {
      this.#byName = new Map();
      for (const record of this.records) {
        for (const n of record.names) this.#byName.set(n, record);
      }
    }
    return this.#byName.get(name);
  }

  /** The records whose digests include `digest`. */
  byDigest(digest: string): readonly ImageRecord[] {
    if (this.#byDigest === undefined) {
      const map = this.#byDigest = new Map();
      for (const record of this.records) {
        for (const d of record.digests) {
          const list = map.get(d);
          if (list === undefined) map.set(d, [record]);
          else if (!list.includes(record)) list.push(record);
        }
      }
    }
    return this.#byDigest.get(digest) ?? [];
  }

  /** The records whose ID starts with `prefix`. */
  byIdPrefix(prefix: string): ImageRecord[] {
    if (prefix.length === 64) {
      const exact = this.byId(prefix);
      return exact === undefined ? [] : [exact];
    }
    return this.records.filter((record) => record.id.startsWith(prefix));
  }
}

/** Whether `name` may be used as an OCI `org.opencontainers.image.ref.name`. */
export function isRefName(name: string): boolean {
  return /^[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*(?:\/[A-Za-z0-9]+(?:(?:[-._:@+]|--)[A-Za-z0-9]+)*)*$/
    .test(name);
}

/**
 * The text of `index.json`: one entry per name of every record, in record order, each
 * with the manifest the name resolves to (`sizeOf` gives the sizes a record does not
 * hold); the generation annotation comes first so that a check needs to read only the start.
 */
export function serializeOciIndex(
  generation: number,
  records: readonly ImageRecord[],
  sizeOf: (digest: string) => number,
): string {
  const manifests = [];
  for (const record of records) {
    for (const name of record.names) {
      if (!isRefName(name)) continue;
      const manifest = manifestOfName(record, name);
      manifests.push({
        mediaType: manifest.mediaType,
        digest: manifest.digest,
        size: manifest.size >= 0 ? manifest.size : sizeOf(manifest.digest),
        annotations: { [Annotation.RefName]: name },
      });
    }
  }
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: MediaType.OciIndex,
    annotations: { [GENERATION_ANNOTATION]: String(generation) },
    manifests,
  });
}

/** The generation recorded at the start of an `index.json` text, if any. */
export function indexGeneration(head: string): number | undefined {
  const at = head.indexOf(`"${GENERATION_ANNOTATION}":"`);
  if (at < 0) return undefined;
  const start = at + GENERATION_ANNOTATION.length + 4;
  const end = head.indexOf('"', start);
  const value = end < 0 ? NaN : Number(head.slice(start, end));
  return Number.isSafeInteger(value) ? value : undefined;
}
