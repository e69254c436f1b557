/**
 * A {@linkcode RegistryStorage} that keeps everything in memory, for tests and for small
 * embedded registries.
 *
 * @module
 */
import { assertDigest, computeDigest } from "../../digest/mod.ts";
import { concatBytes } from "../../streams/mod.ts";
import type { RegistryStorage, StoredManifest, UploadSession } from "./storage.ts";

interface Repository {
  blobs: Set<string>;
  manifests: Map<string, StoredManifest>;
  tags: Map<string, string>;
}

function isDigest(reference: string): boolean {
  return reference.includes(":");
}

/** An in-memory registry storage; blobs are shared between repositories by digest. */
export class MemoryRegistryStorage implements RegistryStorage {
  #blobs = new Map<string, Uint8Array>();
  #repositories = new Map<string, Repository>();
  #uploads = new Map<string, UploadSession>();

  #repository(name: string, create: boolean): Repository | undefined {
    let repository = this.#repositories.get(name);
    if (!repository && create) {
      repository = { blobs: new Set(), manifests: new Map(), tags: new Map() };
      this.#repositories.set(name, repository);
    }
    return repository;
  }

  /** The size of a blob the repository can serve. */
  blobSize(repository: string, digest: string): Promise<number | undefined> {
    const known = this.#repository(repository, false)?.blobs.has(digest);
    return Promise.resolve(known ? this.#blobs.get(digest)?.byteLength : undefined);
  }

  /** Streams a blob from `offset`. */
  readBlob(repository: string, digest: string, offset = 0): Promise<ReadableStream<Uint8Array>> {
    const known = this.#repository(repository, false)?.blobs.has(digest);
    const data = known ? this.#blobs.get(digest) : undefined;
    if (!data) return Promise.reject(new Error(`blob ${digest} not found in ${repository}`));
    const chunkSize = 64 * 1024;
    let position = offset;
    return Promise.resolve(
      new ReadableStream<Uint8Array>({
        pull(controller) {
          if (position >= data.byteLength) {
            controller.close();
            return;
          }
          controller.enqueue(data.slice(position, position + chunkSize));
          position += chunkSize;
        },
      }),
    );
  }

  /** Makes a blob of `fromRepository` known to `repository`. */
  mountBlob(repository: string, digest: string, fromRepository: string): Promise<boolean> {
    const source = this.#repository(fromRepository, false);
    if (!source?.blobs.has(digest)) return Promise.resolve(false);
    this.#repository(repository, true)!.blobs.add(digest);
    return Promise.resolve(true);
  }

  /** Forgets a blob in `repository`. */
  deleteBlob(repository: string, digest: string): Promise<boolean> {
    return Promise.resolve(this.#repository(repository, false)?.blobs.delete(digest) ?? false);
  }

  /** Starts an upload into `repository`. */
  startUpload(repository: string): Promise<UploadSession> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    const id = crypto.randomUUID();
    const forget = () => this.#uploads.delete(`${repository}\n${id}`);
    const store = (digest: string, data: Uint8Array) => {
      this.#blobs.set(digest, data);
      this.#repository(repository, true)!.blobs.add(digest);
    };
    const session: UploadSession = {
      id,
      repository,
      get size() {
        return size;
      },
      async append(stream) {
        for await (const chunk of stream) {
          chunks.push(chunk.slice());
          size += chunk.byteLength;
        }
      },
      async commit(digest) {
        const data = concatBytes(chunks);
        assertDigest(digest, (await computeDigest(data)).toString(), data.byteLength, {
          what: `upload ${id}`,
        });
        store(digest, data);
        forget();
      },
      cancel() {
        forget();
        return Promise.resolve();
      },
    };
    this.#uploads.set(`${repository}\n${id}`, session);
    return Promise.resolve(session);
  }

  /** Finds a running upload. */
  findUpload(repository: string, id: string): Promise<UploadSession | undefined> {
    return Promise.resolve(this.#uploads.get(`${repository}\n${id}`));
  }

  /** Reads a manifest by tag or digest. */
  getManifest(repository: string, reference: string): Promise<StoredManifest | undefined> {
    const repo = this.#repository(repository, false);
    if (!repo) return Promise.resolve(undefined);
    const digest = isDigest(reference) ? reference : repo.tags.get(reference);
    return Promise.resolve(digest === undefined ? undefined : repo.manifests.get(digest));
  }

  /** Stores a manifest under its digest and tag. */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string> {
    const digest = (await computeDigest(bytes)).toString();
    if (isDigest(reference)) {
      assertDigest(reference, digest, bytes.byteLength, {
        what: `manifest ${repository}@${reference}`,
      });
    }
    const repo = this.#repository(repository, true)!;
    repo.manifests.set(digest, { bytes: bytes.slice(), mediaType, digest });
    if (!isDigest(reference)) repo.tags.set(reference, digest);
    return digest;
  }

  /** Deletes a manifest by digest (with its tags) or a tag. */
  deleteManifest(repository: string, reference: string): Promise<boolean> {
    const repo = this.#repository(repository, false);
    if (!repo) return Promise.resolve(false);
    if (!isDigest(reference)) return Promise.resolve(repo.tags.delete(reference));
    if (!repo.manifests.delete(reference)) return Promise.resolve(false);
    for (const [tag, digest] of repo.tags) if (digest === reference) repo.tags.delete(tag);
    return Promise.resolve(true);
  }

  /** The repository's tags, sorted. */
  listTags(repository: string): Promise<string[] | undefined> {
    const repo = this.#repository(repository, false);
    return Promise.resolve(repo ? [...repo.tags.keys()].sort() : undefined);
  }

  /** All repositories, sorted. */
  listRepositories(): Promise<string[]> {
    return Promise.resolve([...this.#repositories.keys()].sort());
  }
}
