/**
 * A {@linkcode RegistryStorage} over the local image store, so that `/v2/` serves and
 * receives the store's images.
 *
 * Naming: a repository path and a tag become an image name by libimage's normalization,
 * so `/v2/app/manifests/v1` is the local image `localhost/app:v1` and
 * `/v2/docker.io/library/alpine/manifests/3` is `docker.io/library/alpine:3`. A pushed
 * manifest by tag is committed as an image record with that name (a manifest list with its
 * instances, like a pull into the store). Blobs are shared by the whole store: any
 * repository serves any stored blob by digest. Uploads are staged in the store's `tmp/`
 * folder, on the store's file system, and verified when committed; a dropped upload leaves
 * nothing behind.
 *
 * @module
 */
import { assertDigest, computeDigest } from "../digest/mod.ts";
import { streamOf } from "../streams/mod.ts";
import { type FileSystem, isNotFound, ownerTag } from "../fs/mod.ts";
import { guessManifestMediaType } from "../manifest/mod.ts";
import { normalizeName, parseNormalizedName } from "../reference/mod.ts";
import { type ImageStore, manifestByDigest, manifestOfName } from "../store/mod.ts";
import { containersStorageTransport } from "../transports/containers_storage/mod.ts";
import type { RegistryStorage, StoredManifest, UploadSession } from "./distribution/mod.ts";

const DIGEST = /^sha256:[a-f0-9]{64}$/;

/** Options of {@linkcode StoreRegistryStorage}. */
export interface StoreRegistryStorageOptions {
  /** The file system the store lives on (the runtime's). */
  fs: FileSystem;
  /** Where uploads are staged. @default the store's `tmp/` folder */
  tmpDir?: string;
}

function skip(stream: ReadableStream<Uint8Array>, offset: number): ReadableStream<Uint8Array> {
  if (offset <= 0) return stream;
  let left = offset;
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        if (left >= chunk.byteLength) {
          left -= chunk.byteLength;
          return;
        }
        controller.enqueue(left > 0 ? chunk.subarray(left) : chunk);
        left = 0;
      },
    }),
  );
}

/** The full image name of repository `repository` with `tag`, or undefined when invalid. */
export function imageNameOf(repository: string, tag: string): string | undefined {
  try {
    return normalizeName(`${repository}:${tag}`).toString();
  } catch {
    return undefined;
  }
}

/** The repository path a full image name is served under (`localhost/` is dropped). */
export function repositoryOf(name: string): string | undefined {
  try {
    const ref = parseNormalizedName(name);
    const repository = ref.domain === "localhost" ? ref.path : `${ref.domain}/${ref.path}`;
    return repository.includes(":") ? undefined : repository;
  } catch {
    return undefined;
  }
}

/** The local store as the storage of the `/v2/` endpoint. */
export class StoreRegistryStorage implements RegistryStorage {
  readonly #store: ImageStore;
  readonly #fs: FileSystem;
  readonly #tmpDir: string;
  readonly #uploads = new Map<string, UploadSession>();

  /** Serves `store`, which lives on `options.fs`. */
  constructor(store: ImageStore, options: StoreRegistryStorageOptions) {
    this.#store = store;
    this.#fs = options.fs;
    this.#tmpDir = (options.tmpDir ?? `${store.root.replace(/\/+$/, "")}/tmp`).replace(/\/+$/, "");
  }

  /** The size of a stored blob. */
  async blobSize(_repository: string, digest: string): Promise<number | undefined> {
    if (!DIGEST.test(digest)) return undefined;
    const path = `${this.#store.root}/blobs/sha256/${digest.slice("sha256:".length)}`;
    try {
      return (await this.#fs.stat(path)).size;
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** Streams a stored blob from `offset`. */
  async readBlob(
    _repository: string,
    digest: string,
    offset = 0,
  ): Promise<ReadableStream<Uint8Array>> {
    return skip(await this.#store.readBlob(digest), offset);
  }

  /** Every stored blob is known to every repository. */
  async mountBlob(_repository: string, digest: string): Promise<boolean> {
    return (await this.blobSize("", digest)) !== undefined;
  }

  /** Blobs belong to the store's images; they are removed by pruning, not over `/v2/`. */
  deleteBlob(): Promise<boolean> {
    return Promise.resolve(false);
  }

  /** Starts an upload staged in the temporary folder (`upload-<owner>-<id>.<n>` files). */
  async startUpload(repository: string): Promise<UploadSession> {
    await this.#fs.mkdir(this.#tmpDir, { recursive: true, mode: 0o700 });
    const id = crypto.randomUUID();
    const parts: string[] = [];
    let size = 0;
    const fs = this.#fs;
    const store = this.#store;
    const dir = this.#tmpDir;
    const uploads = this.#uploads;
    const key = `${repository}\n${id}`;
    const discard = async () => {
      uploads.delete(key);
      for (const part of parts) await fs.remove(part).catch(() => {});
    };
    const session: UploadSession = {
      id,
      repository,
      get size() {
        return size;
      },
      async append(stream) {
        // The owner tag lets a store opened after this process died remove the part.
        const part = `${dir}/upload-${ownerTag()}-${id}.${parts.length}`;
        parts.push(part);
        const counted = stream.pipeThrough(
          new TransformStream<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              size += chunk.byteLength;
              controller.enqueue(chunk);
            },
          }),
        );
        await counted.pipeTo(await fs.openWrite(part, { mode: 0o600 }));
      },
      async commit(digest) {
        if (!DIGEST.test(digest)) throw new TypeError(`unsupported digest "${digest}"`);
        const files = [...parts];
        let index = 0;
        let current: ReadableStreamDefaultReader<Uint8Array> | undefined;
        const joined = new ReadableStream<Uint8Array>({
          async pull(controller) {
            while (true) {
              if (!current) {
                if (index >= files.length) return controller.close();
                current = (await fs.openRead(files[index++])).getReader();
              }
              const { done, value } = await current.read();
              if (!done) return controller.enqueue(value);
              current = undefined;
            }
          },
          cancel: () => current?.cancel(),
        });
        // The store checks the digest and size (a DigestMismatchError); any other failure
        // (the disk, the lock) is the store's own and goes up as it is.
        try {
          await store.putBlob(digest, size, joined);
        } finally {
          await discard();
        }
      },
      cancel: discard,
    };
    uploads.set(key, session);
    return session;
  }

  /** Finds a running upload. */
  findUpload(repository: string, id: string): Promise<UploadSession | undefined> {
    return Promise.resolve(this.#uploads.get(`${repository}\n${id}`));
  }

  /** Reads a manifest by tag (an image name) or digest (any stored manifest). */
  async getManifest(repository: string, reference: string): Promise<StoredManifest | undefined> {
    let digest: string;
    let mediaType: string | undefined;
    if (reference.includes(":")) {
      if (!DIGEST.test(reference) || (await this.blobSize("", reference)) === undefined) {
        return undefined;
      }
      digest = reference;
      for (const record of await this.#store.imagesByDigest(digest)) {
        mediaType ??= manifestByDigest(record, digest)?.mediaType;
      }
    } else {
      const name = imageNameOf(repository, reference);
      const record = name === undefined ? undefined : await this.#store.imageByName(name);
      if (!record || name === undefined) return undefined;
      // A tag serves the manifest it was pushed (or pulled) with.
      ({ digest, mediaType } = manifestOfName(record, name));
    }
    const bytes = await this.#store.readBlobBytes(digest);
    mediaType ??= guessManifestMediaType(bytes) ?? "application/vnd.oci.image.manifest.v1+json";
    return { bytes, mediaType, digest };
  }

  /**
   * Stores a manifest; by tag it is committed as the image `imageNameOf(repository, tag)`
   * (a list with the instances already pushed by digest).
   */
  async putManifest(
    repository: string,
    reference: string,
    bytes: Uint8Array,
    mediaType: string,
  ): Promise<string> {
    const digest = (await computeDigest(bytes)).toString();
    if (reference.includes(":")) {
      assertDigest(reference, digest, bytes.byteLength, {
        what: `manifest ${repository}@${reference}`,
      });
      await this.#store.putBlob(digest, bytes.byteLength, streamOf(bytes));
      return digest;
    }
    const name = imageNameOf(repository, reference);
    if (name === undefined) throw new TypeError(`invalid name "${repository}:${reference}"`);
    const transport = containersStorageTransport(this.#store);
    const destination = await transport.parse(name).newDestination({ fs: this.#fs });
    try {
      const document = JSON.parse(new TextDecoder().decode(bytes)) as {
        manifests?: { digest?: unknown }[];
      };
      for (const child of Array.isArray(document.manifests) ? document.manifests : []) {
        if (typeof child?.digest !== "string") continue;
        const instance = await this.getManifest(repository, child.digest);
        if (instance) await destination.putManifest(instance, instance.digest);
      }
      await destination.putManifest({ bytes, mediaType, digest });
      await destination.commit();
    } finally {
      await destination.close();
    }
    return digest;
  }

  /** Untags (by tag) or removes the images of a manifest (by digest). */
  async deleteManifest(repository: string, reference: string): Promise<boolean> {
    if (!reference.includes(":")) {
      const name = imageNameOf(repository, reference);
      const record = name === undefined ? undefined : await this.#store.imageByName(name);
      if (!record || name === undefined) return false;
      await this.#store.changeNames(record.id, { remove: [name] });
      return true;
    }
    const records = (await this.#store.imagesByDigest(reference))
      .filter((record) => manifestByDigest(record, reference) !== undefined);
    for (const record of records) await this.#store.deleteImage(record.id);
    return records.length > 0;
  }

  /** The tags of the images of `repository`, sorted. */
  async listTags(repository: string): Promise<string[] | undefined> {
    const tags: string[] = [];
    for (const record of await this.#store.images()) {
      for (const name of record.names) {
        if (repositoryOf(name) !== repository && !this.#sameRepository(name, repository)) continue;
        const tag = parseNormalizedName(name).tag;
        if (tag !== undefined) tags.push(tag);
      }
    }
    return tags.length > 0 ? [...new Set(tags)].sort() : undefined;
  }

  /** Every repository with a tagged image, sorted. */
  async listRepositories(): Promise<string[]> {
    const repositories = new Set<string>();
    for (const record of await this.#store.images()) {
      for (const name of record.names) {
        const repository = repositoryOf(name);
        if (repository !== undefined) repositories.add(repository);
      }
    }
    return [...repositories].sort();
  }

  #sameRepository(name: string, repository: string): boolean {
    const wanted = imageNameOf(repository, "latest");
    if (wanted === undefined) return false;
    try {
      return parseNormalizedName(name).name === parseNormalizedName(wanted).name;
    } catch {
      return false;
    }
  }
}
