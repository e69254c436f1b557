// A minimal in-memory ImageStore for lookup tests: maps by ID, name and digest.
import type { ImageRecord, ImageStore, NamesChange, NewImage } from "../../src/store/types.ts";
import type { Platform } from "../../src/types/mod.ts";
import { createHash } from "node:crypto";

export function hex(seed: string): string {
  return createHash("sha256").update(seed).digest("hex");
}

export interface RecordSpec {
  id?: string;
  names?: string[];
  digests?: string[];
  platform?: Platform;
  isManifestList?: boolean;
  incomplete?: boolean;
}

let counter = 0;

export function record(spec: RecordSpec): ImageRecord {
  const id = spec.id ?? hex(`image-${counter++}`);
  const digests = spec.digests ?? [`sha256:${hex(`manifest-${id}`)}`];
  return {
    id,
    names: spec.names ?? [],
    namesHistory: spec.names ?? [],
    digests,
    manifestDigest: digests[0],
    manifestMediaType: spec.isManifestList
      ? "application/vnd.oci.image.index.v1+json"
      : "application/vnd.oci.image.manifest.v1+json",
    isManifestList: spec.isManifestList ?? false,
    diffIds: [],
    layers: [],
    size: 0,
    created: "",
    added: "2024-01-01T00:00:00Z",
    platform: spec.isManifestList
      ? undefined
      : spec.platform ?? { os: "linux", architecture: "amd64" },
    readOnly: false,
    incomplete: spec.incomplete,
  };
}

export class FakeStore implements ImageStore {
  readonly root = "/fake";
  readonly records: ImageRecord[] = [];
  readonly blobs = new Map<string, Uint8Array>();
  byId = new Map<string, ImageRecord>();
  byName = new Map<string, ImageRecord>();
  byDigest = new Map<string, ImageRecord[]>();

  add(...records: ImageRecord[]): this {
    for (const r of records) {
      this.records.push(r);
      this.byId.set(r.id, r);
      for (const n of r.names) this.byName.set(n, r);
      for (const d of r.digests) this.byDigest.set(d, [...(this.byDigest.get(d) ?? []), r]);
    }
    return this;
  }
  images() {
    return Promise.resolve([...this.records]);
  }
  imageById(id: string) {
    return Promise.resolve(this.byId.get(id));
  }
  imageByName(name: string) {
    return Promise.resolve(this.byName.get(name));
  }
  imagesByDigest(digest: string) {
    return Promise.resolve(this.byDigest.get(digest) ?? []);
  }
  imagesByIdPrefix(prefix: string) {
    return Promise.resolve(this.records.filter((r) => r.id.startsWith(prefix)));
  }
  hasBlob(digest: string) {
    return Promise.resolve(this.blobs.has(digest));
  }
  readBlob(): Promise<ReadableStream<Uint8Array>> {
    throw new Error("not used");
  }
  readBlobBytes(digest: string) {
    const bytes = this.blobs.get(digest);
    return bytes ? Promise.resolve(bytes) : Promise.reject(new Error(`missing blob ${digest}`));
  }
  putBlob(): Promise<void> {
    throw new Error("not used");
  }
  commitImage(_image: NewImage): Promise<ImageRecord> {
    throw new Error("not used");
  }
  changeNames(_id: string, _change: NamesChange): Promise<ImageRecord> {
    throw new Error("not used");
  }
  replaceManifest(): Promise<ImageRecord> {
    throw new Error("not used");
  }
  deleteImage(): Promise<void> {
    throw new Error("not used");
  }
  isCorrupted(r: ImageRecord) {
    return Promise.resolve(r.incomplete === true);
  }
  gc() {
    return Promise.resolve([]);
  }
  check() {
    return Promise.resolve([]);
  }
  withLock<T>(fn: () => Promise<T>) {
    return fn();
  }
}

/** Adds a manifest list whose index lists `instances` (digest + platform). */
export function addList(
  store: FakeStore,
  names: string[],
  instances: { digest: string; platform: Platform }[],
): ImageRecord {
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: instances.map((i) => ({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: i.digest,
      size: 100,
      platform: i.platform,
    })),
  };
  const bytes = new TextEncoder().encode(JSON.stringify(index));
  const digest = `sha256:${createHash("sha256").update(bytes).digest("hex")}`;
  store.blobs.set(digest, bytes);
  const list = record({ names, digests: [digest], isManifestList: true });
  store.add(list);
  return list;
}
