/**
 * Pushing an image to a registry: blobs are skipped when the repository has them, mounted
 * from a sibling repository when one is known to hold them, uploaded otherwise; instance
 * manifests are pushed by digest, and the top-level manifest by tag (or digest) on commit.
 *
 * @module
 */
import { assertDigest } from "../../digest/mod.ts";
import type { RegistryClient } from "../../registry/mod.ts";
import { MediaType } from "../../types/mod.ts";
import type { BlobInfo, ImageDestination, LayerCompressionWish, ManifestBytes } from "../types.ts";
import type { ResolvedDockerOptions } from "./options.ts";
import type { DockerImageReference } from "./reference.ts";

/** The manifest types a registry takes, preferred first. */
export const DOCKER_MANIFEST_TYPES: readonly string[] = Object.freeze([
  MediaType.OciManifest,
  MediaType.DockerManifest,
  MediaType.OciIndex,
  MediaType.DockerManifestList,
]);

/** A repository of a registry, opened for pushing an image. */
export class DockerImageDestination implements ImageDestination {
  /** Where the image is pushed. */
  readonly reference: DockerImageReference;
  readonly #client: RegistryClient;
  readonly #options: ResolvedDockerOptions;
  /** Upload sessions a refused mount opened, by digest, for the upload that follows. */
  readonly #sessions = new Map<string, string>();
  #top: ManifestBytes | undefined;
  #closed = false;

  /** Opens `reference` through `client`. */
  constructor(
    reference: DockerImageReference,
    client: RegistryClient,
    options: ResolvedDockerOptions,
  ) {
    this.reference = reference;
    this.#client = client;
    this.#options = options;
  }

  /** OCI and Docker schema 2 manifests and lists. */
  supportedManifestTypes(): readonly string[] {
    return DOCKER_MANIFEST_TYPES;
  }

  /** Registries want compressed layers. */
  desiredLayerCompression(): LayerCompressionWish {
    return "compress";
  }

  /** Registries hold manifest lists. */
  supportsManifestLists(): boolean {
    return true;
  }

  /**
   * Whether the repository has `blob`, after trying to mount it from the repositories
   * known to hold it (recorded locations, then `mountFrom`).
   */
  async hasBlob(blob: BlobInfo): Promise<boolean> {
    const { registry, repository } = this.reference;
    const locations = this.#options.blobLocations;
    if (await this.#client.headBlob(repository, blob.digest) !== undefined) {
      locations.add(registry, repository, blob.digest);
      return true;
    }
    const candidates = new Set(locations.candidates(registry, blob.digest, repository));
    for (const repo of this.#options.mountFrom ?? []) if (repo !== repository) candidates.add(repo);
    for (const from of candidates) {
      const result = await this.#client.mountBlob(repository, blob.digest, from);
      if (result.mounted) {
        locations.add(registry, repository, blob.digest);
        return true;
      }
      this.#sessions.set(blob.digest, result.location);
    }
    return false;
  }

  /** Uploads `blob`; the registry refuses it if the stream does not match. */
  async putBlob(
    blob: BlobInfo,
    stream: ReadableStream<Uint8Array>,
    options: { signal?: AbortSignal } = {},
  ): Promise<void> {
    if (this.#closed) throw new TypeError("Cannot push a blob: the destination is closed");
    if (blob.size < 0) {
      throw new RangeError(`Cannot push blob "${blob.digest}" of unknown size to a registry`);
    }
    const { registry, repository } = this.reference;
    const location = this.#sessions.get(blob.digest);
    this.#sessions.delete(blob.digest);
    await this.#client.putBlob(repository, blob.digest, blob.size, stream, {
      signal: options.signal,
      location,
      chunkSize: this.#options.uploadChunkSize,
    });
    this.#options.blobLocations.add(registry, repository, blob.digest);
  }

  /**
   * Pushes an instance manifest by digest at once; the top-level manifest is kept until
   * {@linkcode DockerImageDestination.commit}, so an abandoned push leaves the tag alone.
   */
  async putManifest(manifest: ManifestBytes, instanceDigest?: string): Promise<void> {
    if (this.#closed) throw new TypeError("Cannot push a manifest: the destination is closed");
    if (instanceDigest !== undefined) {
      await this.#client.putManifest(
        this.reference.repository,
        manifest.digest,
        manifest.bytes,
        manifest.mediaType,
      );
      return;
    }
    const wanted = this.reference.name.digest;
    if (wanted !== undefined) {
      assertDigest(wanted, manifest.digest, manifest.bytes.length, {
        what: this.reference.toString(),
      });
    }
    this.#top = manifest;
  }

  /** Pushes the top-level manifest under the reference's tag or digest. */
  async commit(): Promise<void> {
    if (this.#top === undefined) {
      throw new TypeError("Cannot commit a push without a top-level manifest");
    }
    await this.#client.putManifest(
      this.reference.repository,
      this.reference.tagOrDigest,
      this.#top.bytes,
      this.#top.mediaType,
    );
    this.#top = undefined;
  }

  /** Forgets what was not committed; uploaded blobs stay (registries collect them). */
  close(): Promise<void> {
    this.#closed = true;
    this.#top = undefined;
    this.#sessions.clear();
    return Promise.resolve();
  }
}
